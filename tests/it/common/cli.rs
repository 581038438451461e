//! Running the `helpdesk` binary as an operator would, from a test.

use std::path::Path;
use std::process::{Command, Output};

/// The binary with a clean environment: only what the test sets.
pub fn helpdesk(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_helpdesk"));
    cmd.current_dir(dir).env_remove("RUST_LOG");
    for (name, _) in std::env::vars().filter(|(k, _)| k.starts_with("HELPDESK_")) {
        cmd.env_remove(name);
    }
    cmd
}

/// Runs it to the end: its status, standard output and standard error.
pub fn run(cmd: &mut Command) -> (Output, String, String) {
    let out = cmd.output().expect("the binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, stdout, stderr)
}
