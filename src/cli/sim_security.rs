//! `hypervisual sim security`: a container's settings and the five attack paths checked
//! against them, as JSON or a table.

use std::fmt::Write as _;

use clap::Args;
use serde::Serialize;

use super::sim::Format;
use crate::sim::security::attacks::{Attack, Block, Outcome};
use crate::sim::security::settings::{self, HostMount, Seccomp, Settings, User};

/// `sim security` flags.
#[derive(Debug, Args)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "one field per `docker run` switch, as the command line spells them"
)]
pub struct SecurityArgs {
    /// The container's user: root or a numeric uid.
    #[arg(long, value_name = "root|UID", value_parser = parse_user, default_value = "root")]
    pub user: User,
    /// Drop a capability, or ALL (repeatable).
    #[arg(long, value_name = "CAP", value_parser = parse_cap)]
    pub cap_drop: Vec<String>,
    /// Add a capability, or ALL (repeatable), e.g. `SYS_ADMIN` or `CAP_SYS_MODULE`.
    #[arg(long, value_name = "CAP", value_parser = parse_cap)]
    pub cap_add: Vec<String>,
    /// Seccomp profile: default or unconfined.
    #[arg(long, value_name = "default|unconfined", value_parser = parse_seccomp, default_value = "default")]
    pub seccomp: Seccomp,
    /// Run with a user namespace (the daemon's userns-remap).
    #[arg(long)]
    pub userns: bool,
    /// Mount the container's root file system read-only.
    #[arg(long)]
    pub read_only: bool,
    /// Run privileged: every capability, every device, no seccomp.
    #[arg(long)]
    pub privileged: bool,
    /// Mount /var/run/docker.sock into the container.
    #[arg(long)]
    pub mount_docker_socket: bool,
    /// Bind-mount a host folder (absolute path, optionally with :ro; repeatable).
    #[arg(long, value_name = "PATH", value_parser = parse_path)]
    pub mount_host_path: Vec<HostMount>,
    /// Check only this attack (default: all five).
    #[arg(long, value_name = "NAME", value_parser = parse_attack)]
    pub attack: Option<Attack>,
    /// Output format (json or table).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

fn parse_user(text: &str) -> Result<User, String> {
    User::parse(text).map_err(|e| e.to_string())
}

fn parse_cap(text: &str) -> Result<String, String> {
    settings::normalize_cap(text).map_err(|e| e.to_string())
}

fn parse_seccomp(text: &str) -> Result<Seccomp, String> {
    Seccomp::parse(text).map_err(|e| e.to_string())
}

fn parse_path(text: &str) -> Result<HostMount, String> {
    HostMount::parse(text).map_err(|e| e.to_string())
}

fn parse_attack(text: &str) -> Result<Attack, String> {
    text.parse()
        .map_err(|e: crate::sim::security::attacks::ParseAttackError| e.to_string())
}

impl SecurityArgs {
    /// The settings the flags describe.
    pub fn settings(&self) -> Settings {
        Settings {
            user: self.user,
            cap_drop: self.cap_drop.clone(),
            cap_add: self.cap_add.clone(),
            seccomp: self.seccomp,
            userns: self.userns,
            read_only: self.read_only,
            privileged: self.privileged,
            docker_socket: self.mount_docker_socket,
            host_paths: self.mount_host_path.clone(),
        }
    }
}

#[derive(Serialize)]
struct StepJson<'a> {
    action: &'a str,
    blocked_by: Option<&'static str>,
    blocks: Vec<BlockJson<'a>>,
    note: &'a str,
    reached: bool,
}

#[derive(Serialize)]
struct BlockJson<'a> {
    control: &'static str,
    reason: &'a str,
}

#[derive(Serialize)]
struct AttackJson<'a> {
    name: &'static str,
    goal: &'static str,
    succeeded: bool,
    steps: Vec<StepJson<'a>>,
}

#[derive(Serialize)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "the JSON report names each `docker run` switch"
)]
struct SettingsJson {
    user: String,
    host_uid: u32,
    capabilities: Vec<&'static str>,
    effective_capabilities: Vec<&'static str>,
    seccomp: &'static str,
    userns: bool,
    read_only: bool,
    privileged: bool,
    docker_socket: bool,
    host_paths: Vec<String>,
}

#[derive(Serialize)]
struct Report<'a> {
    settings: SettingsJson,
    attacks: Vec<AttackJson<'a>>,
}

fn block_json(b: &Block) -> BlockJson<'_> {
    BlockJson {
        control: b.control.id(),
        reason: &b.reason,
    }
}

fn attack_json(o: &Outcome) -> AttackJson<'_> {
    AttackJson {
        name: o.attack.name(),
        goal: o.attack.goal(),
        succeeded: o.succeeded(),
        steps: o
            .steps
            .iter()
            .map(|s| StepJson {
                action: &s.action,
                blocked_by: s.blocked_by().map(crate::sim::security::Control::id),
                blocks: s.blocks.iter().map(block_json).collect(),
                note: &s.note,
                reached: s.reached,
            })
            .collect(),
    }
}

fn seccomp_text(s: &Settings) -> &'static str {
    match (s.seccomp, s.privileged) {
        (_, true) => "off (privileged)",
        (Seccomp::Default, false) => "default",
        (Seccomp::Unconfined, false) => "unconfined",
    }
}

fn settings_json(s: &Settings) -> SettingsJson {
    SettingsJson {
        user: match s.user {
            User::Root => "root".to_owned(),
            User::Uid(u) => u.to_string(),
        },
        host_uid: s.host_uid(),
        capabilities: s.capabilities().into_iter().collect(),
        effective_capabilities: s.effective().into_iter().collect(),
        seccomp: seccomp_text(s),
        userns: s.userns,
        read_only: s.read_only,
        privileged: s.privileged,
        docker_socket: s.docker_socket,
        host_paths: s
            .host_paths
            .iter()
            .map(|m| format!("{}{}", m.path, if m.read_only { ":ro" } else { "" }))
            .collect(),
    }
}

fn table(s: &Settings, outcomes: &[Outcome]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "user {} (uid {} on the host), {} capabilities ({} effective), seccomp {}{}{}",
        s.user,
        s.host_uid(),
        s.capabilities().len(),
        s.effective().len(),
        seccomp_text(s),
        if s.userns { ", user namespace" } else { "" },
        if s.read_only { ", read-only root" } else { "" },
    );
    for o in outcomes {
        let verdict = match o.stopped_at() {
            None => "GETS THROUGH".to_owned(),
            Some((i, c)) => format!("stopped at step {} by {}", i + 1, c.label()),
        };
        let _ = writeln!(out, "\n{}: {}", o.attack.name(), verdict);
        for (i, st) in o.steps.iter().enumerate() {
            let mark = match (st.reached, st.blocked_by()) {
                (false, _) => "  (not reached)",
                (true, Some(_)) => "  STOPPED",
                (true, None) => "  ok",
            };
            let _ = writeln!(out, "  {}. {}{mark}", i + 1, st.action);
            for b in &st.blocks {
                let _ = writeln!(out, "       {}: {}", b.control.label(), b.reason);
            }
            if st.blocks.is_empty() {
                let _ = writeln!(out, "       {}", st.note);
            }
        }
    }
    out
}

/// Runs the command: the report and its exit code.
pub fn report(a: &SecurityArgs) -> (String, i32) {
    let s = a.settings();
    let outcomes: Vec<Outcome> = match a.attack {
        Some(att) => vec![crate::sim::security::evaluate(att, &s)],
        None => crate::sim::security::evaluate_all(&s),
    };
    match a.format {
        Format::Json => {
            let r = Report {
                settings: settings_json(&s),
                attacks: outcomes.iter().map(attack_json).collect(),
            };
            match serde_json::to_string_pretty(&r) {
                Ok(text) => (text, 0),
                Err(e) => (format!("cannot write JSON: {e}"), 1),
            }
        }
        Format::Csv => (
            "hypervisual: --format csv is not available for `sim security`: use json or table".to_owned(),
            2,
        ),
        Format::Table => (table(&s, &outcomes), 0),
    }
}
