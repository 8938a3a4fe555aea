//! The text form of snapshot operations, as the command line's `--script` takes it:
//! commands separated by `;` or new lines, e.g. `write 0-99 A; snap s1; read 55`.
//!
//! This is user text: every mistake is an error naming the command, never a panic.

use thiserror::Error;

use super::{Merge, Op};

/// Longest script, in commands: enough for any lesson, small enough to run at once.
pub const MAX_COMMANDS: usize = 1000;

/// Longest snapshot name and cluster value, in characters.
pub const MAX_NAME: usize = 24;

/// Why a script did not parse: which command (counted from 1) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("command {index} (`{command}`): {message}")]
pub struct ScriptError {
    /// Position of the command in the script, from 1.
    pub index: usize,
    /// The command as written (trimmed, shortened to 40 characters).
    pub command: String,
    /// What is wrong, in plain words.
    pub message: String,
}

/// The verbs a script understands, for error messages.
pub const VERBS: &str = "write FIRST-LAST VALUE, write N VALUE, snap NAME [memory], revert NAME, branch NAME, delete NAME [commit|stream], read N, lose-base, lose NAME";

/// Parses a script for a disk of `disk_clusters` clusters; `merge` is how `delete` merges
/// when the command does not say.
pub fn parse(text: &str, disk_clusters: u32, merge: Merge) -> Result<Vec<Op>, ScriptError> {
    let mut ops = Vec::new();
    let commands = text.split([';', '\n']).map(str::trim).filter(|c| !c.is_empty());
    for (i, command) in commands.enumerate() {
        let index = i + 1;
        if index > MAX_COMMANDS {
            return Err(ScriptError {
                index,
                command: shortened(command),
                message: format!("a script has at most {MAX_COMMANDS} commands"),
            });
        }
        let op = parse_command(command, disk_clusters, merge).map_err(|message| ScriptError {
            index,
            command: shortened(command),
            message,
        })?;
        ops.push(op);
    }
    Ok(ops)
}

fn shortened(command: &str) -> String {
    command.chars().take(40).collect()
}

fn parse_command(command: &str, disk_clusters: u32, merge: Merge) -> Result<Op, String> {
    let words: Vec<&str> = command.split_whitespace().collect();
    let Some((&verb, args)) = words.split_first() else {
        return Err("empty command".to_owned());
    };
    let arity = |n: usize, usage: &str| {
        if args.len() == n {
            Ok(())
        } else {
            Err(format!("expected `{usage}`"))
        }
    };
    match verb.to_ascii_lowercase().as_str() {
        "write" => {
            arity(2, "write FIRST-LAST VALUE")?;
            let (first, last) = range(args[0], disk_clusters)?;
            Ok(Op::Write {
                first,
                last,
                value: name(args[1], "value")?,
            })
        }
        "snap" | "snapshot" => {
            let memory = match args {
                [_] => false,
                [_, m] if m.eq_ignore_ascii_case("memory") => true,
                _ => return Err("expected `snap NAME` or `snap NAME memory`".to_owned()),
            };
            Ok(Op::Snap {
                name: name(args[0], "snapshot name")?,
                memory,
            })
        }
        "revert" => {
            arity(1, "revert NAME")?;
            Ok(Op::Revert {
                name: name(args[0], "snapshot name")?,
            })
        }
        "branch" => {
            arity(1, "branch NAME")?;
            Ok(Op::Branch {
                name: name(args[0], "snapshot name")?,
            })
        }
        "delete" => {
            let how = match args {
                [_] => merge,
                [_, h] if h.eq_ignore_ascii_case("commit") => Merge::Commit,
                [_, h] if h.eq_ignore_ascii_case("stream") => Merge::Stream,
                _ => return Err("expected `delete NAME`, `delete NAME commit` or `delete NAME stream`".to_owned()),
            };
            Ok(Op::Delete {
                name: name(args[0], "snapshot name")?,
                merge: how,
            })
        }
        "read" => {
            arity(1, "read N")?;
            Ok(Op::Read {
                cluster: cluster(args[0], disk_clusters)?,
            })
        }
        "lose-base" => {
            arity(0, "lose-base")?;
            Ok(Op::LoseBase)
        }
        "lose" => {
            arity(1, "lose NAME")?;
            Ok(Op::Lose {
                name: name(args[0], "snapshot name")?,
            })
        }
        other => Err(format!(
            "unknown verb `{}` (valid: {VERBS})",
            other.chars().take(20).collect::<String>()
        )),
    }
}

/// A cluster number on a disk of `disk_clusters`.
fn cluster(text: &str, disk_clusters: u32) -> Result<u32, String> {
    let n: u32 = text
        .parse()
        .map_err(|_| format!("`{}` is not a cluster number", shortened(text)))?;
    if n >= disk_clusters {
        return Err(format!(
            "cluster {n} is past the end of the disk (clusters 0 to {})",
            disk_clusters.saturating_sub(1)
        ));
    }
    Ok(n)
}

/// `FIRST-LAST` or one cluster `N`.
fn range(text: &str, disk_clusters: u32) -> Result<(u32, u32), String> {
    let (first, last) = if let Some((a, b)) = text.split_once('-') {
        (cluster(a, disk_clusters)?, cluster(b, disk_clusters)?)
    } else {
        let n = cluster(text, disk_clusters)?;
        (n, n)
    };
    if first > last {
        return Err(format!("the range {first}-{last} runs backwards"));
    }
    Ok((first, last))
}

/// A snapshot name or a cluster value: letters, digits, `_`, `.` and `-`, at most
/// [`MAX_NAME`] characters.
fn name(text: &str, what: &str) -> Result<String, String> {
    let ok = !text.is_empty()
        && text.chars().count() <= MAX_NAME
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if ok {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "a {what} is 1 to {MAX_NAME} letters, digits, `_`, `.` or `-`, not `{}`",
            shortened(text)
        ))
    }
}
