//! The Slurm recipe as committed (`examples/slurm/`), run on a real one-node Slurm: a
//! cluster of this test's own on `localhost` (munged with its own key and socket,
//! slurmctld and slurmd with a `slurm.conf` in a temporary folder, settings that work in a
//! container without systemd or cgroups), `submit.sh` on a copy of `testdata/` in 4
//! shards, and the merged report compared with a single scan of the same copy.
//!
//! Where Slurm or munge is not installed (`.ci/run` installs Debian's `slurm-wlm` and
//! `munge`) or the cluster does not start, the test says SKIPPED on the terminal (past the
//! test harness's capture) and returns.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{compare_with_a_single_scan, find, output_text, piiscan_path, skipped, testdata};

const KEY: &str = "slurm-test-key";

/// Two free TCP ports on the loopback interface (free when asked; the daemons bind them
/// soon after), distinct since both are held at once.
fn free_ports() -> (u16, u16) {
    let bind = || std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let (a, b) = (bind(), bind());
    let port = |l: &std::net::TcpListener| l.local_addr().unwrap().port();
    (port(&a), port(&b))
}

/// The running cluster: its folder, `slurm.conf` and daemons, and the jobs submitted. On
/// drop (a pass or a failed assertion alike) the jobs are cancelled and each daemon is
/// stopped by its PID: SIGTERM, then SIGKILL after five seconds.
struct Cluster {
    dir: tempfile::TempDir,
    conf: PathBuf,
    daemons: Vec<(&'static str, Child)>,
    jobs: Vec<String>,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if !self.jobs.is_empty() {
            let _ = self.slurm("scancel").args(&self.jobs).output();
        }
        while let Some((_, mut child)) = self.daemons.pop() {
            // SAFETY: a signal to a process this test started and has not yet reaped.
            unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
            let until = Instant::now() + Duration::from_secs(5);
            while matches!(child.try_wait(), Ok(None)) && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Cluster {
    /// Starts munged, slurmctld and slurmd; `Err` says why it could not.
    fn start() -> Result<Cluster, String> {
        let bins = ["munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo"];
        let missing: Vec<&str> = bins.into_iter().filter(|b| find(b).is_none()).collect();
        if !missing.is_empty() {
            return Err(format!("not installed: {}", missing.join(", ")));
        }
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_path_buf();
        for sub in ["munge", "state", "spool"] {
            std::fs::create_dir(d.join(sub)).unwrap();
        }
        let mut key = vec![0u8; 1024];
        std::io::Read::read_exact(&mut std::fs::File::open("/dev/urandom").unwrap(), &mut key)
            .unwrap();
        write_private(&d.join("munge/munge.key"), &key);
        let conf = d.join("slurm.conf");
        std::fs::write(&conf, slurm_conf(&d)).unwrap();
        std::fs::write(d.join("plugstack.conf"), "").unwrap();
        let mut c = Cluster {
            dir,
            conf,
            daemons: Vec::new(),
            jobs: Vec::new(),
        };
        // munged as this user, in the foreground, with its own key, socket and files.
        let m = |opt: &str, f: &str| format!("--{opt}={}", d.join("munge").join(f).display());
        c.spawn(
            "munged",
            &[
                "-F".into(),
                "--force".into(),
                m("socket", "socket"),
                m("key-file", "munge.key"),
                m("log-file", "log"),
                m("pid-file", "pid"),
                m("seed-file", "seed"),
            ],
        )?;
        c.wait_for("the munge socket", 10, |_| d.join("munge/socket").exists())?;
        c.spawn("slurmctld", &["-D".into(), "-i".into()])?;
        c.spawn("slurmd", &["-D".into(), "-N".into(), "localhost".into()])?;
        c.wait_for("the node to be idle", 30, |c| {
            c.slurm("sinfo")
                .args(["-h", "-o", "%T", "-n", "localhost"])
                .output()
                .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "idle")
        })?;
        Ok(c)
    }

    fn spawn(&mut self, name: &'static str, args: &[String]) -> Result<(), String> {
        let log = std::fs::File::create(self.dir.path().join(format!("{name}.out"))).unwrap();
        let child = self
            .slurm(name)
            .args(args)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("{name}: {e}"))?;
        self.daemons.push((name, child));
        Ok(())
    }

    /// A command of Slurm (or munge) that uses this cluster.
    fn slurm(&self, name: &str) -> Command {
        let mut c = Command::new(find(name).unwrap_or_else(|| PathBuf::from(name)));
        c.env("SLURM_CONF", &self.conf);
        c
    }

    /// Waits up to `secs` seconds for `ready`; `Err` with the daemons' logs otherwise.
    fn wait_for(
        &mut self,
        what: &str,
        secs: u64,
        mut ready: impl FnMut(&Cluster) -> bool,
    ) -> Result<(), String> {
        let until = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < until {
            if ready(self) {
                return Ok(());
            }
            let exited = self
                .daemons
                .iter_mut()
                .find_map(|(name, child)| Some((*name, child.try_wait().ok()??)));
            if let Some((name, st)) = exited {
                return Err(format!("{name} exited ({st}) {}", self.logs()));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!("timed out waiting for {what} {}", self.logs()))
    }

    /// The ends of the daemons' logs, for a message.
    fn logs(&self) -> String {
        let mut s = String::new();
        for name in ["munged", "slurmctld", "slurmd"] {
            let text = std::fs::read_to_string(self.dir.path().join(format!("{name}.out")))
                .unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            let tail = lines[lines.len().saturating_sub(15)..].join("\n");
            s.push_str(&format!("\n--- {name}:\n{tail}"));
        }
        s
    }
}

fn write_private(path: &Path, bytes: &[u8]) {
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .unwrap();
    f.write_all(bytes).unwrap();
}

/// A one-node cluster on `localhost` that needs neither systemd nor cgroups.
fn slurm_conf(d: &Path) -> String {
    let user = String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout).unwrap();
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let p = |f: &str| d.join(f).display().to_string();
    let (ctld_port, slurmd_port) = free_ports();
    format!(
        "ClusterName=piiscantest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort={}
SlurmdPort={}
SlurmUser={}
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={}
StateSaveLocation={}
SlurmdSpoolDir={}
SlurmctldPidFile={}
SlurmdPidFile={}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobCompType=jobcomp/filetxt
JobCompLoc={}
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/builtin
ReturnToService=2
SlurmdParameters=config_overrides
DependencyParameters=kill_invalid_depend
PlugStackConfig={}
NodeName=localhost NodeAddr=127.0.0.1 CPUs={cpus} State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
",
        ctld_port,
        slurmd_port,
        user.trim(),
        p("munge/socket"),
        p("state"),
        p("spool"),
        p("slurmctld.pid"),
        p("slurmd.pid"),
        p("jobcomp.txt"),
        p("plugstack.conf"),
    )
}

#[test]
fn submit_sh_on_a_one_node_cluster() {
    let started = Instant::now();
    let mut cluster = match Cluster::start() {
        Ok(c) => c,
        Err(why) => return skipped("slurm::submit_sh_on_a_one_node_cluster", &why),
    };
    // The case: a copy of testdata/ as its evidence.
    let case = cluster.dir.path().join("case");
    std::fs::create_dir(&case).unwrap();
    let copied = Command::new("cp")
        .arg("-a")
        .arg(testdata())
        .arg(case.join("evidence"))
        .status();
    assert!(copied.is_ok_and(|s| s.success()));
    let path = piiscan_path();
    let submit = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/slurm/submit.sh");
    let o = cluster
        .slurm("sh")
        .arg(&submit)
        .arg(&case)
        .arg("4")
        .env("PATH", &path)
        .env("PIISCAN_HASH_KEY", KEY)
        .env("CPUS_PER_TASK", "1")
        .output()
        .unwrap();
    let out = output_text(&o);
    assert!(o.status.success(), "submit.sh: {out}");
    let id = |label: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(label))
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|| panic!("no {label} in {out}"))
    };
    let (scan, merge) = (id("scan job:"), id("merge job:"));
    cluster.jobs = vec![scan.clone(), merge.clone()];
    // Both jobs end (a failed shard cancels the merge: kill_invalid_depend).
    let reports = case.join("reports");
    let logs = || {
        let mut s = String::new();
        for e in std::fs::read_dir(&reports).unwrap().flatten() {
            if e.file_name().to_string_lossy().starts_with("slurm-") {
                let t = std::fs::read_to_string(e.path()).unwrap_or_default();
                s.push_str(&format!("\n--- {}:\n{t}", e.path().display()));
            }
        }
        s
    };
    let done = cluster.wait_for("both jobs to end", 120, |c| {
        c.slurm("squeue")
            .args(["-h", "-j", &format!("{scan},{merge}")])
            .output()
            .is_ok_and(|o| o.status.success() && o.stdout.is_empty())
    });
    assert!(done.is_ok(), "{done:?} {}", logs());
    // Their records in the job completion log (jobcomp/filetxt): 4 tasks and the merge.
    let comp_file = cluster.dir.path().join("jobcomp.txt");
    let comp_lines = || std::fs::read_to_string(&comp_file).map_or(0, |t| t.lines().count());
    let _ = cluster.wait_for("the job completion log", 10, |_| comp_lines() >= 5);
    let comp = std::fs::read_to_string(&comp_file).unwrap_or_default();
    let states: Vec<&str> = comp
        .lines()
        .filter_map(|l| l.split(' ').find(|w| w.starts_with("JobState=")))
        .collect();
    assert_eq!(states.len(), 5, "4 tasks and the merge: {comp}{}", logs());
    assert!(
        states.iter().all(|s| *s == "JobState=COMPLETED"),
        "{comp}{}",
        logs()
    );
    let merge_log = std::fs::read_to_string(reports.join(format!("slurm-{merge}.out"))).unwrap();
    assert!(merge_log.trim_end().ends_with("verified"), "{merge_log}");
    cluster.jobs.clear();
    compare_with_a_single_scan(&case, KEY, 4);
    let _ = writeln!(
        std::io::stderr(),
        "slurm::submit_sh_on_a_one_node_cluster: ran on a real Slurm in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
