//! Model benchmarks: the numbers PERFORMANCE.md promises, as commands anyone can rerun.
//!
//! `cargo bench --bench models` prints, for each, the median of several runs:
//! - a page-level live migration of a 64 GiB guest to completion (target <= 0.2 s);
//! - the same guest dirtying 200 MiB/s under QEMU's rule, cancelled after 10 minutes;
//! - the migration scene taking new slider values at the sliders' limits: the call
//!   returns within a frame while the run is computed on a worker (target <= 16 ms);
//! - the memory diagram's 4096 cells of a 16 GiB guest, and a snapshot of its run;
//! - checksumming a 100 MiB build context (target >= 200 MiB/s);
//! - loading and validating every built-in lesson (target <= 20 ms).

use std::hint::black_box;
use std::io::Write as _;
use std::time::{Duration, Instant};

use hypervisual::content::Library;
use hypervisual::scenes::Scene as _;
use hypervisual::scenes::migration::MigrationScene;
use hypervisual::sim::catalog::{ParamMap, ParamValue};
use hypervisual::sim::image::Context;
use hypervisual::sim::migration::{self, ModelKind, Params};

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort_unstable();
    runs[runs.len() / 2]
}

fn time<T>(n: usize, mut f: impl FnMut() -> T) -> Duration {
    median(
        (0..n)
            .map(|_| {
                let start = Instant::now();
                black_box(f());
                start.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let mut out = std::io::stdout().lock();

    let params = Params {
        memory_mib: 65_536.0,
        ..Params::default()
    };
    let mut rounds = 0;
    let t = time(5, || {
        let r = migration::run(&params, ModelKind::Pages);
        rounds = r.rounds.len();
        r
    });
    let _ = writeln!(
        out,
        "migration 64 GiB, 125 MiB/s link, 25 MiB/s dirtying, page model: median {:.3} s ({rounds} rounds; target <= 0.2 s)",
        t.as_secs_f64()
    );

    let diabolical = Params {
        dirty_rate_mib_s: 200.0,
        ..params.clone()
    };
    let mut outcome = (0, "");
    let t = time(3, || {
        let r = migration::run(&diabolical, ModelKind::Pages);
        outcome = (r.rounds.len(), r.stop_reason);
        r
    });
    let _ = writeln!(
        out,
        "migration 64 GiB, 200 MiB/s dirtying, QEMU rule, page model: median {:.3} s ({} rounds, {})",
        t.as_secs_f64(),
        outcome.0,
        outcome.1
    );

    // What the memory diagram asks for each frame: 4096 cells of a 16 GiB guest, and a
    // snapshot of the run for the worker thread.
    let mut m = migration::Migration::new(&Params {
        memory_mib: 16_384.0,
        dirty_rate_mib_s: 200.0,
        ..Params::default()
    });
    m.step(200.0);
    let t = time(5, || (m.cells(4096), m.clone()));
    let _ = writeln!(
        out,
        "migration 16 GiB: cells(4096) and a clone of the run: median {:.2} ms",
        t.as_secs_f64() * 1000.0
    );

    // 100 files of 1 MiB of varied bytes: a realistic context, not one huge buffer.
    let mut context = Context::new();
    for i in 0..100_u32 {
        let bytes: Vec<u8> = (0..1_048_576_u32)
            .map(|j| (j.wrapping_mul(2_654_435_761).wrapping_add(i) >> 13) as u8)
            .collect();
        context.insert(&format!("data/file{i:03}.bin"), bytes);
    }
    let t = time(5, || context.checksum());
    let _ = writeln!(
        out,
        "checksum of a 100 MiB build context: median {:.1} ms, {:.0} MiB/s (target >= 200 MiB/s)",
        t.as_secs_f64() * 1000.0,
        100.0 / t.as_secs_f64()
    );

    let mut lessons = 0;
    let t = time(20, || {
        let library = Library::built_in();
        lessons = library.order().len();
        library
    });
    let _ = writeln!(
        out,
        "load and validate all {lessons} built-in lessons: median {:.2} ms (target <= 20 ms)",
        t.as_secs_f64() * 1000.0
    );

    // The sliders' far ends: 16 GiB (the most the diagram draws), the fastest writer, the
    // slowest link, the most patience. Computing this run takes seconds; the call must not.
    let mut scene = MigrationScene::new(&ParamMap::new());
    let mut worst = Duration::ZERO;
    for dirty in [2000.0, 1999.0, 1998.0] {
        let mut limits = ParamMap::new();
        for (id, v) in [
            ("memory_mib", 16_384.0),
            ("bandwidth_mib_s", 10.0),
            ("dirty_rate_mib_s", dirty),
            ("downtime_limit_ms", 10.0),
            ("give_up_after_s", 900.0),
        ] {
            limits.insert(id.to_owned(), ParamValue::Num(v));
        }
        let start = Instant::now();
        scene.set_params(black_box(limits));
        worst = worst.max(start.elapsed());
    }
    let _ = writeln!(
        out,
        "migration scene, new slider values at the limits: slowest call {:.2} ms (target <= 16 ms)",
        worst.as_secs_f64() * 1000.0
    );
}
