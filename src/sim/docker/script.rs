//! The little language of the docker scene and `sim docker --script`: Docker CLI commands
//! separated by `;` or new lines, each optionally starting with `docker`.

use thiserror::Error;

/// Longest script read, in characters (a lesson's scripts are a few dozen).
pub const MAX_SCRIPT_CHARS: usize = 10_000;
/// Most commands in one script.
pub const MAX_COMMANDS: usize = 200;

/// One command of a script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// `docker run [--name N] [--init] [-d] IMAGE [COMMAND...]`.
    Run {
        /// `--name`.
        name: Option<String>,
        /// `--init`: docker-init (tini) runs as PID 1 and forwards signals.
        init: bool,
        /// The image reference.
        image: String,
        /// The command, when it replaces the image's own.
        cmd: Vec<String>,
    },
    /// `docker create ...`: like run, but only created.
    Create {
        /// `--name`.
        name: Option<String>,
        /// `--init`.
        init: bool,
        /// The image reference.
        image: String,
        /// The command.
        cmd: Vec<String>,
    },
    /// `docker start C`.
    Start(String),
    /// `docker ps` (`all` with `-a`).
    Ps {
        /// `-a`.
        all: bool,
    },
    /// `docker images`.
    Images,
    /// `docker pull IMAGE`.
    Pull(String),
    /// `docker stop [-t N] C`.
    Stop {
        /// The container.
        target: String,
        /// `-t`: the grace period in seconds.
        timeout_s: Option<u32>,
    },
    /// `docker kill C` (SIGKILL).
    Kill(String),
    /// `docker pause C`.
    Pause(String),
    /// `docker unpause C`.
    Unpause(String),
    /// `docker rm [-f] C`.
    Rm {
        /// The container.
        target: String,
        /// `-f`.
        force: bool,
    },
    /// `docker rmi IMAGE`.
    Rmi(String),
}

/// Why a script could not be read: which command (1-based) and what is wrong.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("command {index}: {message}")]
pub struct ScriptError {
    /// 1-based position of the command in the script.
    pub index: usize,
    /// What is wrong, in plain words.
    pub message: String,
}

/// The commands the script language knows.
pub const COMMANDS: &str = "run, create, start, ps, images, pull, stop, kill, pause, unpause, rm, rmi";

/// Reads a script into commands.
pub fn parse(text: &str) -> Result<Vec<Command>, ScriptError> {
    if text.chars().count() > MAX_SCRIPT_CHARS {
        return Err(ScriptError {
            index: 0,
            message: format!("the script is longer than {MAX_SCRIPT_CHARS} characters"),
        });
    }
    let mut out = Vec::new();
    for (i, part) in text
        .split([';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .enumerate()
    {
        if out.len() >= MAX_COMMANDS {
            return Err(ScriptError {
                index: i + 1,
                message: format!("more than {MAX_COMMANDS} commands"),
            });
        }
        out.push(parse_one(part).map_err(|message| ScriptError { index: i + 1, message })?);
    }
    Ok(out)
}

/// A name, image or container reference: printable, no control characters, not too long.
fn word(w: &str, what: &str) -> Result<String, String> {
    if w.is_empty() || w.chars().count() > 128 || w.chars().any(char::is_control) {
        Err(format!("`{}` is not a valid {what}", w.escape_debug()))
    } else {
        Ok(w.to_owned())
    }
}

fn one_target(words: &[&str], verb: &str) -> Result<String, String> {
    match words {
        [c] => word(c, "container"),
        [] => Err(format!("`{verb}` needs a container (its number or name)")),
        _ => Err(format!("`{verb}` takes one container here")),
    }
}

fn parse_one(text: &str) -> Result<Command, String> {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    if words.first() == Some(&"docker") {
        words.remove(0);
    }
    // `docker container stop` is the same command as `docker stop`.
    if words.first() == Some(&"container") && words.len() > 1 {
        words.remove(0);
    }
    let Some((&verb, rest)) = words.split_first() else {
        return Err("empty command".to_owned());
    };
    match verb {
        "run" | "create" => {
            let (mut name, mut init) = (None, false);
            let mut i = 0;
            while let Some(&w) = rest.get(i) {
                match w {
                    "--name" => {
                        let n = rest.get(i + 1).ok_or("`--name` needs a name")?;
                        name = Some(word(n, "name")?);
                        i += 2;
                    }
                    "--init" => {
                        init = true;
                        i += 1;
                    }
                    "-d" | "--detach" | "--rm=false" => i += 1,
                    w if w.starts_with("--name=") => {
                        name = Some(word(w.trim_start_matches("--name="), "name")?);
                        i += 1;
                    }
                    w if w.starts_with('-') => {
                        return Err(format!(
                            "option `{}` is not modelled (known: --name, --init, -d)",
                            w.escape_debug()
                        ));
                    }
                    _ => break,
                }
            }
            let image = word(rest.get(i).ok_or_else(|| format!("`{verb}` needs an image"))?, "image")?;
            let cmd = rest
                .get(i + 1..)
                .unwrap_or_default()
                .iter()
                .map(|s| (*s).to_owned())
                .collect();
            Ok(if verb == "run" {
                Command::Run { name, init, image, cmd }
            } else {
                Command::Create { name, init, image, cmd }
            })
        }
        "start" => one_target(rest, verb).map(Command::Start),
        "ps" => match rest {
            [] => Ok(Command::Ps { all: false }),
            ["-a" | "--all"] => Ok(Command::Ps { all: true }),
            _ => Err("`ps` takes only -a".to_owned()),
        },
        "images" | "image" if rest.is_empty() || rest == ["ls"] => Ok(Command::Images),
        "pull" => match rest {
            [i] => word(i, "image").map(Command::Pull),
            _ => Err("`pull` needs one image".to_owned()),
        },
        "stop" => {
            let (timeout_s, rest) = match rest {
                ["-t" | "--time" | "--timeout", t, more @ ..] => (
                    Some(t.parse::<u32>().ok().filter(|&v| v <= 3600).ok_or_else(|| {
                        format!("`-t` takes whole seconds from 0 to 3600, not `{}`", t.escape_debug())
                    })?),
                    more,
                ),
                _ => (None, rest),
            };
            one_target(rest, verb).map(|target| Command::Stop { target, timeout_s })
        }
        "kill" => one_target(rest, verb).map(Command::Kill),
        "pause" => one_target(rest, verb).map(Command::Pause),
        "unpause" => one_target(rest, verb).map(Command::Unpause),
        "rm" => match rest {
            ["-f" | "--force", c] => word(c, "container").map(|target| Command::Rm { target, force: true }),
            _ => one_target(rest, verb).map(|target| Command::Rm { target, force: false }),
        },
        "rmi" => match rest {
            [i] => word(i, "image").map(Command::Rmi),
            _ => Err("`rmi` needs one image".to_owned()),
        },
        other => Err(format!(
            "unknown command `{}` (known: {COMMANDS})",
            other.escape_debug()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issues_script_parses() {
        let cmds = parse("run nginx; ps; stop 1; rm 1").expect("parses");
        assert_eq!(cmds.len(), 4);
        assert!(matches!(&cmds[0], Command::Run { image, cmd, .. } if image == "nginx" && cmd.is_empty()));
        assert_eq!(cmds[1], Command::Ps { all: false });
        assert_eq!(
            cmds[2],
            Command::Stop {
                target: "1".into(),
                timeout_s: None
            }
        );
        assert_eq!(
            cmds[3],
            Command::Rm {
                target: "1".into(),
                force: false
            }
        );
    }

    #[test]
    fn options_commands_and_errors() {
        let c = parse("docker run --name web --init -d alpine:3.20 sleep 300").expect("parses");
        assert_eq!(
            c[0],
            Command::Run {
                name: Some("web".into()),
                init: true,
                image: "alpine:3.20".into(),
                cmd: vec!["sleep".into(), "300".into()]
            }
        );
        assert_eq!(
            parse("docker container ps -a").expect("ps"),
            vec![Command::Ps { all: true }]
        );
        assert_eq!(
            parse("stop -t 2 web").expect("stop")[0],
            Command::Stop {
                target: "web".into(),
                timeout_s: Some(2)
            }
        );
        let e = parse("ps; frobnicate 3").expect_err("unknown");
        assert_eq!(e.index, 2);
        assert!(e.message.contains("frobnicate"));
        assert!(parse("run").is_err());
        assert!(parse("run --privileged nginx").is_err());
        assert!(parse("stop -t soon 1").is_err());
        assert_eq!(parse(" ;; \n ").expect("empty"), Vec::new());
    }

    proptest::proptest! {
        #[test]
        fn any_text_parses_or_fails_with_a_message(text in "\\PC{0,300}") {
            match parse(&text) {
                Ok(cmds) => proptest::prop_assert!(cmds.len() <= MAX_COMMANDS),
                Err(e) => proptest::prop_assert!(!e.message.is_empty()),
            }
        }
    }
}
