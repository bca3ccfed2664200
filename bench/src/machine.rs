//! What the report says about the machine: processor, cores, memory, OS,
//! toolchain, load average and the date, read from `/proc` and `/etc` where
//! they exist ("unknown" elsewhere).

use std::time::{SystemTime, UNIX_EPOCH};

/// A snapshot of the machine.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Machine {
    /// Processor model.
    pub cpu: String,
    /// Logical cores available to this process.
    pub cores: usize,
    /// Total memory.
    pub memory: String,
    /// Operating system and kernel.
    pub os: String,
    /// `rustc --version` the harness was built with.
    pub rustc: String,
    /// The host C compiler that built the native kernels.
    pub cc: String,
    /// `/proc/loadavg`'s 1-, 5- and 15-minute averages.
    pub load: String,
    /// UTC date and time, `YYYY-MM-DD HH:MM`.
    pub date: String,
}

impl Machine {
    /// Reads the machine now.
    pub fn probe() -> Machine {
        let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
        let cpuinfo = read("/proc/cpuinfo");
        let cpu = field(&cpuinfo, "model name").unwrap_or_else(|| "unknown".to_string());
        let meminfo = read("/proc/meminfo");
        let memory = field(&meminfo, "MemTotal")
            .and_then(|kb| kb.trim_end_matches("kB").trim().parse::<u64>().ok())
            .map(|kb| format!("{:.1} GiB", kb as f64 / (1024.0 * 1024.0)))
            .unwrap_or_else(|| "unknown".to_string());
        let os_release = read("/etc/os-release");
        let pretty = os_release
            .lines()
            .find_map(|l| l.strip_prefix("PRETTY_NAME="))
            .map(|v| v.trim_matches('"').to_string())
            .unwrap_or_else(|| std::env::consts::OS.to_string());
        let kernel = read("/proc/sys/kernel/osrelease").trim().to_string();
        let load = read("/proc/loadavg")
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
        Machine {
            cpu,
            cores: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            memory,
            os: if kernel.is_empty() {
                pretty
            } else {
                format!("{pretty}, Linux {kernel}")
            },
            rustc: env!("BENCH_RUSTC_VERSION").to_string(),
            cc: env!("BENCH_CC_VERSION").to_string(),
            load: if load.is_empty() {
                "unknown".to_string()
            } else {
                load
            },
            date: utc_now(),
        }
    }
}

/// The value of the first `key : value` line of a `/proc` file.
fn field(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (k, v) = line.split_once(':')?;
        (k.trim() == key).then(|| v.trim().to_string())
    })
}

/// The current UTC time as `YYYY-MM-DD HH:MM`.
fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
    }

    #[test]
    fn proc_fields() {
        let text = "model name\t: Some CPU\nMemTotal:  100 kB\n";
        assert_eq!(field(text, "model name").as_deref(), Some("Some CPU"));
        assert_eq!(field(text, "MemTotal").as_deref(), Some("100 kB"));
        assert_eq!(field(text, "missing"), None);
    }
}
