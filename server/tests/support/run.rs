//! The repository and runs of the built `charter` binary, as a user or a CI script starts it.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Any single run of the binary taking longer than this is a hang.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(60);

/// The repository's root (the server crate lives in a folder of it).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate lives in a folder of the repository")
        .to_path_buf()
}

/// What a run of the binary left: its exit status and both streams.
#[derive(Debug)]
pub struct Run {
    /// `None` when the process was ended by a signal (a crash, e.g. a stack overflow).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    /// The exit status, after checking that the process ended on its own and did not panic.
    pub fn code(&self) -> i32 {
        self.assert_no_crash();
        self.code.unwrap()
    }

    pub fn assert_no_crash(&self) {
        assert!(
            matches!(self.code, Some(0..=2)),
            "charter crashed or used an undocumented status: {:?}\nstderr:\n{}",
            self.code,
            self.stderr
        );
        assert!(
            !self.stderr.contains("panicked") && !self.stderr.contains("stack overflow"),
            "charter panicked:\n{}",
            self.stderr
        );
    }

    pub fn expect_code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code(),
            expected,
            "exit status\nstdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
}

/// Runs `charter ARGS` in `cwd`, with a timeout, capturing both streams.
pub fn charter(cwd: &Path, args: &[&str]) -> Run {
    charter_with_env(cwd, args, &[])
}

/// [`charter`] with these environment variables set (and no `CHARTER_DOCS_URL` of the caller's).
pub fn charter_with_env(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .current_dir(cwd)
        .env_remove("CHARTER_DOCS_URL")
        .envs(env.iter().copied())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the charter binary starts");
    // Both pipes are read while the process runs, so that a full pipe cannot stall it.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for charter") {
            break status;
        }
        if started.elapsed() > RUN_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`charter {}` did not finish within {RUN_TIMEOUT:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = started.elapsed();
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).expect("charter writes UTF-8");
    Run {
        code: status.code(),
        stdout: text(stdout.join().unwrap()),
        stderr: text(stderr.join().unwrap()),
        elapsed,
    }
}

/// `charter ARGS` in the repository's root.
pub fn in_repo(args: &[&str]) -> Run {
    charter(&repo(), args)
}
