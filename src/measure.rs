//! Measuring start-up on this computer, so learners can set the model's figures beside
//! their own machine's.
//!
//! Not a model: this spawns real programs. It never touches the network — a container is
//! only started from an image already on the machine, with networking off, and a
//! container runtime that does not answer within [`PROBE_TIMEOUT`] counts as absent.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use thiserror::Error;

/// How long a runtime probe (`docker info`, `image inspect`) may take before it is killed.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// How long one container start may take before it is killed.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(30);

/// Small images tried, in order, when looking for one already present.
pub const TINY_IMAGES: &[&str] = &["busybox", "alpine", "hello-world"];

/// What went wrong while measuring.
#[derive(Debug, Error)]
pub enum MeasureError {
    /// Asked for no runs.
    #[error("at least one run is needed")]
    NoRuns,
    /// The program could not be started.
    #[error("could not start `{program}`: {source}")]
    Spawn {
        /// Program that failed.
        program: String,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The program ran but reported failure.
    #[error("`{program}` failed ({status})")]
    Failed {
        /// Program that failed.
        program: String,
        /// Its exit status.
        status: ExitStatus,
    },
    /// The program did not finish in time and was stopped.
    #[error("`{program}` took longer than {secs} s and was stopped")]
    TimedOut {
        /// Program that hung.
        program: String,
        /// Limit it exceeded.
        secs: u64,
    },
    /// No small image is on this computer, and Hypervisual never downloads one.
    #[error("no small image ({}) is present; Hypervisual works offline and never pulls", TINY_IMAGES.join(", "))]
    NoImage,
}

/// Timings of repeated starts, in milliseconds.
#[derive(Clone, Debug, PartialEq)]
pub struct Measurement {
    /// Number of starts timed.
    pub runs: usize,
    /// Median start time.
    pub median_ms: f64,
    /// 10th percentile.
    pub p10_ms: f64,
    /// 90th percentile.
    pub p90_ms: f64,
}

impl Measurement {
    /// Summarises samples (nearest-rank percentiles); `None` when there are none.
    pub fn from_samples(samples_ms: &[f64]) -> Option<Self> {
        if samples_ms.is_empty() {
            return None;
        }
        let mut s = samples_ms.to_vec();
        s.sort_by(f64::total_cmp);
        let at = |q: f64| {
            let rank = (q * s.len() as f64).ceil() as usize;
            s[rank.clamp(1, s.len()) - 1]
        };
        let n = s.len();
        let median = if n % 2 == 1 {
            s[n / 2]
        } else {
            f64::midpoint(s[n / 2 - 1], s[n / 2])
        };
        Some(Self {
            runs: n,
            median_ms: median,
            p10_ms: at(0.1),
            p90_ms: at(0.9),
        })
    }
}

/// A container runtime that is installed and answering.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuntimeInfo {
    /// `docker` or `podman`.
    pub name: String,
    /// Full path of the command.
    pub path: PathBuf,
    /// A small image already present, if any (only then can a start be timed).
    pub image: Option<String>,
}

/// Runs `cmd` to completion, or kills it after `timeout`. Output is discarded.
fn run_with_timeout(mut cmd: Command, timeout: Duration) -> Result<Duration, MeasureError> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
    let started = Instant::now();
    let mut child = cmd.spawn().map_err(|source| MeasureError::Spawn {
        program: program.clone(),
        source,
    })?;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                let took = started.elapsed();
                return if status.success() {
                    Ok(took)
                } else {
                    Err(MeasureError::Failed { program, status })
                };
            }
            Ok(None) => {
                if started.elapsed() >= timeout {
                    // The child may have exited just now; a failed kill changes nothing.
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(MeasureError::TimedOut {
                        program,
                        secs: timeout.as_secs(),
                    });
                }
                // Short sleeps keep the timing error well under a millisecond-scale start.
                std::thread::sleep(Duration::from_micros(200));
            }
            Err(source) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(MeasureError::Spawn { program, source });
            }
        }
    }
}

/// The trivial program whose start is timed: it does nothing and exits.
fn trivial_command() -> Command {
    if cfg!(windows) {
        let mut c = Command::new("cmd");
        c.args(["/C", "exit"]);
        c
    } else {
        Command::new("/bin/true")
    }
}

/// Spawns a do-nothing program `runs` times, waiting for each, and summarises the times.
pub fn time_process_starts(runs: usize) -> Result<Measurement, MeasureError> {
    if runs == 0 {
        return Err(MeasureError::NoRuns);
    }
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let took = run_with_timeout(trivial_command(), RUN_TIMEOUT)?;
        samples.push(took.as_secs_f64() * 1000.0);
    }
    Measurement::from_samples(&samples).ok_or(MeasureError::NoRuns)
}

/// Looks for an executable called `name` on `PATH`.
fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let exe = if cfg!(windows) {
        format!("{name}.exe")
    } else {
        name.to_owned()
    };
    std::env::split_paths(&path)
        .map(|dir| dir.join(&exe))
        .find(|p| p.is_file())
}

/// Whether `<runtime> <args>` succeeds within the probe timeout.
fn probe(runtime: &Path, args: &[&str]) -> bool {
    let mut cmd = Command::new(runtime);
    cmd.args(args);
    run_with_timeout(cmd, PROBE_TIMEOUT).is_ok()
}

/// The first container runtime (docker, then podman) that is on `PATH` and answers
/// `info` within [`PROBE_TIMEOUT`]; `None` when there is none, so the app can say so.
pub fn container_runtime() -> Option<RuntimeInfo> {
    ["docker", "podman"].into_iter().find_map(|name| {
        let path = find_on_path(name)?;
        if !probe(&path, &["info"]) {
            return None;
        }
        let image = TINY_IMAGES
            .iter()
            .find(|img| probe(&path, &["image", "inspect", img]))
            .map(|img| (*img).to_owned());
        Some(RuntimeInfo {
            name: name.to_owned(),
            path,
            image,
        })
    })
}

/// Times `runs` starts of a container from a small image already present, with no
/// network and no pulling, removing each container afterwards.
pub fn time_container_start(runtime: &RuntimeInfo, runs: usize) -> Result<Measurement, MeasureError> {
    if runs == 0 {
        return Err(MeasureError::NoRuns);
    }
    let image = runtime.image.as_deref().ok_or(MeasureError::NoImage)?;
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let mut cmd = Command::new(&runtime.path);
        cmd.args(["run", "--rm", "--network", "none", "--pull", "never", image]);
        // hello-world has its own tiny program; the others run `true`.
        if image != "hello-world" {
            cmd.arg("true");
        }
        let took = run_with_timeout(cmd, RUN_TIMEOUT)?;
        samples.push(took.as_secs_f64() * 1000.0);
    }
    Measurement::from_samples(&samples).ok_or(MeasureError::NoRuns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_starts_take_a_real_but_small_time() {
        let m = time_process_starts(15).expect("can spawn a trivial program");
        assert_eq!(m.runs, 15);
        assert!(m.median_ms > 0.0, "median {}", m.median_ms);
        assert!(m.median_ms < 5000.0, "median {}", m.median_ms);
        assert!(m.p10_ms <= m.median_ms && m.median_ms <= m.p90_ms);
    }

    #[test]
    fn zero_runs_is_an_error() {
        assert!(matches!(time_process_starts(0), Err(MeasureError::NoRuns)));
    }

    #[test]
    fn runtime_detection_finishes_without_panicking() {
        let started = Instant::now();
        if let Some(info) = container_runtime() {
            assert!(info.name == "docker" || info.name == "podman");
            assert!(info.path.is_file());
        }
        // Two runtimes, each probed with `info` and up to three image checks.
        assert!(started.elapsed() < PROBE_TIMEOUT * 9);
    }

    #[test]
    fn percentiles_use_nearest_rank() {
        let samples: Vec<f64> = (1..=10).map(f64::from).rev().collect();
        let m = Measurement::from_samples(&samples).expect("non-empty");
        assert_eq!((m.p10_ms, m.median_ms, m.p90_ms), (1.0, 5.5, 9.0));
        assert_eq!(Measurement::from_samples(&[]), None);
    }

    #[test]
    fn a_hanging_program_is_stopped() {
        if cfg!(windows) {
            return;
        }
        let mut cmd = Command::new("sleep");
        cmd.arg("5");
        let started = Instant::now();
        let r = run_with_timeout(cmd, Duration::from_millis(200));
        assert!(matches!(r, Err(MeasureError::TimedOut { .. })));
        assert!(started.elapsed() < Duration::from_secs(3));
    }
}
