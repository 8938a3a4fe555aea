//! `hypervisual sim overcommit`: VMs on one host, stepped second by second: CPU ready,
//! ballooned, shared and swapped memory, thin disks filling the datastore.

use clap::Args;

use super::sim::Format;
use crate::sim::overcommit::{self, HostSpec, Overcommit, Reclaim, VmSpec};
use crate::sim::units::{parse_rate_mib_s, parse_size_mib};

/// `sim overcommit` flags.
#[derive(Debug, Args)]
pub struct OvercommitArgs {
    /// Host logical CPUs, 1 to 4096.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub host_cores: u32,
    /// Host memory, e.g. 64GiB.
    #[arg(long, value_parser = size)]
    pub host_memory: f64,
    /// Datastore capacity, e.g. 1TiB (default 1 TiB).
    #[arg(long, value_parser = size, default_value = "1TiB")]
    pub datastore: f64,
    /// A VM, repeatable: vcpus=4,memory=16GiB[,cpu-load=0.5][,memory-active=0.4]
    /// [,disk=100GiB][,thin|thick][,tools|no-tools][,write=20MiB/s][,name=web].
    #[arg(long = "vm", value_parser = parse_vm, required = true)]
    pub vms: Vec<VmSpec>,
    /// Seconds to run, 0 to 86400.
    #[arg(long, default_value_t = 600, value_parser = clap::value_parser!(u32).range(0..=86_400))]
    pub seconds: u32,
    /// Memory the hypervisor keeps for itself (default 4GiB).
    #[arg(long, value_parser = size, default_value = "4GiB")]
    pub host_reserve: f64,
    /// Output format (json or table).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

fn size(text: &str) -> Result<f64, String> {
    parse_size_mib(text).map_err(|e| e.to_string())
}

fn share(key: &str, value: &str) -> Result<f64, String> {
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| (0.0..=1.0).contains(v))
        .ok_or_else(|| format!("{key} must be a number from 0 to 1, not \"{value}\""))
}

/// Parses one `--vm` value.
pub fn parse_vm(text: &str) -> Result<VmSpec, String> {
    let mut vm = VmSpec::new("VM", 0, 0.0);
    let mut has_vcpus = false;
    let mut has_memory = false;
    for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (key, value) = item.split_once('=').unwrap_or((item, ""));
        match (key, value) {
            ("vcpus", v) => {
                vm.vcpus = v
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=4096).contains(n))
                    .ok_or_else(|| format!("vcpus must be a whole number from 1 to 4096, not \"{v}\""))?;
                has_vcpus = true;
            }
            ("memory", v) => {
                vm.memory_mib = parse_size_mib(v).map_err(|e| format!("memory: {e}"))?;
                has_memory = vm.memory_mib > 0.0;
            }
            ("cpu-load", v) => vm.cpu_load = share("cpu-load", v)?,
            ("memory-active", v) => vm.memory_active = share("memory-active", v)?,
            ("disk", v) => vm.disk_mib = parse_size_mib(v).map_err(|e| format!("disk: {e}"))?.max(1.0),
            ("write", v) => vm.write_mib_s = parse_rate_mib_s(v).map_err(|e| format!("write: {e}"))?,
            ("name", v) if !v.is_empty() => v.clone_into(&mut vm.name),
            ("thin", "") => vm.thin = true,
            ("thick", "") => vm.thin = false,
            ("tools", "") => vm.tools = true,
            ("no-tools", "") => vm.tools = false,
            _ => {
                return Err(format!(
                    "unknown item \"{item}\" (valid: vcpus=, memory=, cpu-load=, memory-active=, disk=, write=, name=, thin, thick, tools, no-tools)"
                ));
            }
        }
    }
    if !has_vcpus || !has_memory {
        return Err("each VM needs vcpus= and memory= (more than 0)".to_owned());
    }
    Ok(vm)
}

/// The report text and exit code.
pub fn report(a: &OvercommitArgs) -> (String, i32) {
    if a.host_memory <= 0.0 || a.datastore <= 0.0 {
        return (
            "hypervisual: --host-memory and --datastore must be more than 0".to_owned(),
            2,
        );
    }
    let vms: Vec<VmSpec> = a
        .vms
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let mut v = v.clone();
            if v.name == "VM" {
                v.name = format!("VM {}", i + 1);
            }
            v
        })
        .collect();
    let mut model = Overcommit::new(
        HostSpec {
            cores: a.host_cores,
            memory_mib: a.host_memory,
            datastore_mib: a.datastore,
            reserve_mib: a.host_reserve,
        },
        vms,
        Reclaim::default(),
    );
    model.run_until(f64::from(a.seconds));
    let report = overcommit::report(&model);
    match a.format {
        Format::Json => match serde_json::to_string_pretty(&report) {
            Ok(text) => (text, 0),
            Err(e) => (format!("cannot write JSON: {e}"), 1),
        },
        Format::Csv => (
            "hypervisual: --format csv is not available for `sim overcommit`: use json or table".to_owned(),
            2,
        ),
        Format::Table => (report.to_table(), 0),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_vm;

    #[test]
    fn a_vm_spec_reads_every_key_and_refuses_nonsense_in_one_line() {
        let vm =
            parse_vm("vcpus=4,memory=16GiB,cpu-load=0.9,memory-active=0.5,disk=100GiB,thick,no-tools,write=5MiB/s")
                .expect("parses");
        assert_eq!(vm.vcpus, 4);
        assert!((vm.memory_mib - 16384.0).abs() < 1e-9);
        assert!((vm.cpu_load - 0.9).abs() < 1e-9 && (vm.memory_active - 0.5).abs() < 1e-9);
        assert!(!vm.thin && !vm.tools);
        assert!((vm.write_mib_s - 5.0).abs() < 1e-9);
        for bad in [
            "vcpus=4",
            "memory=4GiB",
            "vcpus=0,memory=4GiB",
            "vcpus=4,memory=lots",
            "vcpus=4,memory=4GiB,cpu-load=2",
            "vcpus=4,memory=4GiB,colour=red",
        ] {
            let e = parse_vm(bad).expect_err(bad);
            assert!(!e.contains('\n'), "{e}");
        }
    }
}
