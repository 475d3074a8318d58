//! A throwaway `redis-server` (Debian's package) on a free loopback port, in a temp dir,
//! with persistence off; stopped by its pid when dropped. The architecture the original
//! design used (a Redis cache beside the application) is measured against this one.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `redis-server` this process started.
#[derive(Debug)]
pub struct RedisServer {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

/// Why Redis was not measured.
#[derive(Debug)]
pub struct Skipped(pub String);

impl RedisServer {
    /// Starts `redis-server` (from `PATH`, or `/usr/bin/redis-server`). `Err(Skipped)` when
    /// it is not installed (`make bench` installs it) or does not answer within 10 s.
    pub fn start() -> Result<RedisServer, Skipped> {
        let binary = ["redis-server", "/usr/bin/redis-server"]
            .into_iter()
            .find(|b| {
                Command::new(b)
                    .arg("--version")
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success())
            })
            .ok_or_else(|| Skipped("redis-server is not installed (apt-get install redis-server)".into()))?;
        let port = TcpListener::bind(("127.0.0.1", 0))
            .and_then(|l| l.local_addr())
            .map_err(|e| Skipped(format!("no free port: {e}")))?
            .port();
        let dir = tempfile::tempdir().map_err(|e| Skipped(e.to_string()))?;
        let child = Command::new(binary)
            .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
            .args(["--save", "", "--appendonly", "no", "--protected-mode", "yes"])
            .arg("--dir")
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| Skipped(format!("redis-server did not start: {e}")))?;
        let server = RedisServer {
            child,
            port,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(mut c) = server.connect()
                && redis::cmd("PING").query::<String>(&mut c).is_ok()
            {
                return Ok(server);
            }
            if Instant::now() > deadline {
                return Err(Skipped("redis-server did not answer within 10 s".into()));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn connect(&self) -> redis::RedisResult<redis::Connection> {
        redis::Client::open(self.url())?.get_connection()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        // Our own child, by pid.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
