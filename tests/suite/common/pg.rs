//! PostgreSQL for the tests. The integration test binary runs its whole suite twice: on
//! SQLite (the tests themselves) and on PostgreSQL (the test `on_postgresql::the_whole_suite`,
//! which runs this same binary again with `MOMENTUM_TEST_BACKEND=postgres`). The server is
//! `TEST_DATABASE_URL` when set (a role that may create databases), else a throwaway server
//! started here from PostgreSQL's binaries (`initdb` into a temp dir, a free port,
//! `fsync=off`), run as the `postgres` user when the tests run as root. Each test gets a
//! database of its own. With neither available the PostgreSQL half says loudly that it was
//! skipped, and fails when `MOMENTUM_REQUIRE_POSTGRES=1` (as `.ci/run` sets).
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub const BACKEND: &str = "MOMENTUM_TEST_BACKEND";

/// Whether this process runs the suite on PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var(BACKEND).is_ok_and(|b| b == "postgres")
}

/// A fresh, empty database on the test server, as a URL.
pub async fn fresh_database() -> String {
    use sqlx::Connection;
    static N: AtomicUsize = AtomicUsize::new(0);
    let server = std::env::var("TEST_DATABASE_URL")
        .expect("the PostgreSQL half runs with TEST_DATABASE_URL set");
    let name = format!(
        "momentum_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = sqlx::PgConnection::connect(&server).await.unwrap();
    sqlx::Executor::execute(&mut admin, format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    admin.close().await.unwrap();
    with_database(&server, &name)
}

/// `url` with its database replaced by `name`.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let host_end = base
        .find("://")
        .map(|i| i + 3)
        .and_then(|start| base[start..].find('/').map(|j| start + j))
        .unwrap_or(base.len());
    let mut out = format!("{}/{name}", &base[..host_end]);
    if !query.is_empty() {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// A throwaway PostgreSQL server; stopped when dropped.
pub struct Server {
    pub url: String,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        // SIGINT: PostgreSQL's fast shutdown.
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
    }
}

/// PostgreSQL's binaries: `PG_BIN`, else the newest under /usr/lib/postgresql, else `PATH`.
fn pg_bin() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `program args…`, as the `postgres` user when we are root (`initdb` refuses root).
fn as_postgres(program: &Path) -> Command {
    if is_root() {
        let mut cmd = Command::new("setpriv");
        cmd.args([
            "--reuid=postgres",
            "--regid=postgres",
            "--init-groups",
            "--",
        ])
        .arg(program);
        cmd
    } else {
        Command::new(program)
    }
}

/// Starts a throwaway server, or `None` when PostgreSQL's binaries are not installed.
pub fn start_server() -> Option<Server> {
    let bin = pg_bin()?;
    let dir = tempfile::tempdir().ok()?;
    if is_root() {
        Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(dir.path())
            .status()
            .ok()?;
    }
    let data = dir.path().join("data");
    let init = as_postgres(&bin.join("initdb"))
        .arg("-D")
        .arg(&data)
        .args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .ok()?;
    assert!(
        init.status.success(),
        "initdb failed: {}",
        String::from_utf8_lossy(&init.stderr)
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .ok()?
        .local_addr()
        .ok()?
        .port();
    let child = as_postgres(&bin.join("postgres"))
        .arg("-D")
        .arg(&data)
        .args(["-p", &port.to_string(), "-k"])
        .arg(dir.path())
        .args([
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
            "-c",
            "max_connections=400",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "PostgreSQL did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    // Accepting connections on the port comes a moment before accepting sessions: wait until
    // a session answers `SELECT 1`.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    runtime.block_on(async {
        use sqlx::Connection;
        loop {
            if let Ok(mut c) = sqlx::PgConnection::connect(&url).await
                && sqlx::Executor::execute(&mut c, "SELECT 1").await.is_ok()
            {
                let _ = c.close().await;
                return;
            }
            assert!(
                Instant::now() < deadline,
                "PostgreSQL did not accept sessions"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    Some(Server {
        url,
        child,
        _dir: dir,
    })
}

/// Writes straight to the terminal: cargo's test harness captures `eprintln!`.
pub fn shout(message: &str) {
    let mut err = std::io::stderr();
    let _ = writeln!(err, "\n{}\n{message}\n{}\n", "!".repeat(72), "!".repeat(72));
}

/// What the PostgreSQL half runs: every test but this one, the PostgreSQL-only ones included
/// (ignored, so reported as such, on SQLite), and none named `sqlite_only…`.
const HALF: [&str; 5] = [
    "--include-ignored",
    "--skip",
    "on_postgresql::the_whole_suite",
    "--skip",
    "sqlite_only",
];

/// The PostgreSQL half of a test binary: the binary again, every test, on PostgreSQL.
pub fn run_suite_on_postgres() {
    if on_postgres() {
        return; // this is the PostgreSQL run itself
    }
    let server;
    let url = match std::env::var("TEST_DATABASE_URL") {
        Ok(url) => url,
        Err(_) => match start_server() {
            Some(s) => {
                server = s;
                server.url.clone()
            }
            None => {
                let required = std::env::var("MOMENTUM_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
                shout(&format!(
                    "PostgreSQL tests SKIPPED in {}: no PostgreSQL binaries (apt-get install postgresql) and no TEST_DATABASE_URL.",
                    std::env::current_exe().unwrap().display()
                ));
                assert!(
                    !required,
                    "MOMENTUM_REQUIRE_POSTGRES=1: the PostgreSQL tests may not be skipped"
                );
                return;
            }
        },
    };
    let exe = std::env::current_exe().unwrap();
    // Every test the PostgreSQL half will run, to name any still running if it hangs.
    let listed = Command::new(&exe)
        .args(["--list"])
        .args(HALF)
        .env(BACKEND, "postgres")
        .output()
        .unwrap();
    let names: Vec<String> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .filter_map(|l| l.strip_suffix(": test"))
        .map(str::to_owned)
        .collect();
    let mut child = Command::new(&exe)
        .args(HALF)
        .env(BACKEND, "postgres")
        .env("TEST_DATABASE_URL", &url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let read_all = |mut pipe: Box<dyn std::io::Read + Send>| {
        let seen = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let into = seen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                into.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        seen
    };
    let stdout = read_all(Box::new(child.stdout.take().unwrap()));
    let stderr = read_all(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + suite_timeout();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    // Let the readers take the last of the output.
    std::thread::sleep(Duration::from_millis(200));
    let out = stdout.lock().unwrap().clone();
    let mut err = std::io::stderr();
    let summary = out
        .lines()
        .rfind(|l| l.starts_with("test result"))
        .unwrap_or("test result: FAILED. 0 passed; 0 failed (no summary: the run did not finish)")
        .to_owned();
    // Always: the summary, in a line `.ci/run` adds up, and every failure with its output.
    let _ = writeln!(err, "  on PostgreSQL: {summary}");
    if let Some(failures) = out.find("\nfailures:\n") {
        let _ = writeln!(err, "  on PostgreSQL, {}", &out[failures + 1..]);
    }
    match status {
        None => {
            let finished: Vec<&str> = out
                .lines()
                .filter_map(|l| l.strip_prefix("test "))
                .filter_map(|l| l.split(" ... ").next())
                .collect();
            let running: Vec<&String> = names
                .iter()
                .filter(|n| !finished.contains(&n.as_str()))
                .collect();
            panic!(
                "on PostgreSQL: the suite did not finish within {:?}; still running: {running:?}\n{}",
                suite_timeout(),
                stderr.lock().unwrap()
            );
        }
        Some(status) => assert!(
            status.success(),
            "on PostgreSQL: {summary} (the failures and their output are above)\n{}",
            stderr.lock().unwrap()
        ),
    }
}

/// How long the PostgreSQL half may run (`MOMENTUM_PG_SUITE_TIMEOUT_SECS`, default 20 min).
fn suite_timeout() -> Duration {
    std::env::var("MOMENTUM_PG_SUITE_TIMEOUT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(Duration::from_secs(20 * 60), Duration::from_secs)
}
