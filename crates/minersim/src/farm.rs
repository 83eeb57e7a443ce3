//! A farm of simulated miners: binds every miner's loopback address on ports 4028 and 80 and runs
//! one task per miner that accepts connections and takes the miner off the network on reboot.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::config::{ModelProfile, SimConfig};
use crate::nofile;
use crate::state::{Identity, MinerShared, SimMiner};
use crate::{rpc, web};

pub const RPC_PORT: u16 = 4028;
pub const WEB_PORT: u16 = 80;
/// Descriptors per miner: two listeners plus room for a scan's concurrent connections.
const FDS_PER_MINER: u64 = 3;
const FDS_SPARE: u64 = 4096;
/// Room left for the process's own files and a few client connections.
const MIN_FDS_SPARE: u64 = 256;

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("a farm needs at least one miner")]
    NoMiners,
    #[error("{count} consecutive addresses from {base} run past 255.255.255.255")]
    AddressOverflow { base: Ipv4Addr, count: u32 },
    #[error(
        "{count} miners need at least {needed} open files but the limit is {limit}; raise the hard \
         limit (ulimit -Hn, systemd LimitNOFILE, docker --ulimit nofile)"
    )]
    FileLimit { count: u32, needed: u64, limit: u64 },
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: io::Error },
}

/// Running simulated miners. Dropping the farm stops them too; [`Farm::shutdown`] also waits.
pub struct Farm {
    miners: Vec<SimMiner>,
    shutdown: watch::Sender<bool>,
    tasks: JoinSet<()>,
}

impl Farm {
    /// Bind every miner's ports and start serving. Fails, binding nothing, if any port is taken.
    pub async fn start(config: SimConfig) -> Result<Self, SimError> {
        if config.count == 0 {
            return Err(SimError::NoMiners);
        }
        let first = u32::from(config.base);
        first
            .checked_add(config.count - 1)
            .ok_or(SimError::AddressOverflow {
                base: config.base,
                count: config.count,
            })?;
        let limit = nofile::ensure(u64::from(config.count) * FDS_PER_MINER + FDS_SPARE);
        // Two listeners per miner are the floor; fail before binding half a farm.
        let needed = u64::from(config.count) * 2 + MIN_FDS_SPARE;
        if limit != 0 && limit < needed {
            return Err(SimError::FileLimit {
                count: config.count,
                needed,
                limit,
            });
        }

        let profile = Arc::new(ModelProfile::for_model(&config.model));
        let now = Instant::now();
        let mut bound = Vec::with_capacity(config.count as usize);
        for index in 0..config.count {
            let ip = Ipv4Addr::from(first + index);
            let listeners = bind(ip).await?;
            let identity = Identity::new(config.seed, index, ip);
            let shared = Arc::new(MinerShared::new(
                identity,
                Arc::clone(&profile),
                &config,
                now,
            ));
            bound.push((shared, listeners));
        }

        let (shutdown, _) = watch::channel(false);
        let mut tasks = JoinSet::new();
        let mut miners = Vec::with_capacity(bound.len());
        for (shared, listeners) in bound {
            miners.push(SimMiner {
                shared: Arc::clone(&shared),
            });
            tasks.spawn(run_miner(shared, listeners, shutdown.subscribe()));
        }
        tracing::info!(count = config.count, base = %config.base, model = %profile.name, "miner farm up");
        Ok(Self {
            miners,
            shutdown,
            tasks,
        })
    }

    pub fn miners(&self) -> &[SimMiner] {
        &self.miners
    }

    pub fn miner(&self, index: usize) -> Option<&SimMiner> {
        self.miners.get(index)
    }

    pub fn miner_by_ip(&self, ip: Ipv4Addr) -> Option<&SimMiner> {
        self.miners.iter().find(|m| m.ip() == ip)
    }

    pub fn ips(&self) -> Vec<Ipv4Addr> {
        self.miners.iter().map(SimMiner::ip).collect()
    }

    /// Close every listener and connection and wait until the ports are free again.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        while self.tasks.join_next().await.is_some() {}
    }
}

async fn bind(ip: Ipv4Addr) -> Result<(TcpListener, TcpListener), SimError> {
    let listen = |port| async move {
        let addr = SocketAddr::from((ip, port));
        TcpListener::bind(addr)
            .await
            .map_err(|source| SimError::Bind { addr, source })
    };
    Ok((listen(RPC_PORT).await?, listen(WEB_PORT).await?))
}

enum Stop {
    Shutdown,
    PowerOff,
}

async fn run_miner(
    miner: Arc<MinerShared>,
    listeners: (TcpListener, TcpListener),
    mut shutdown: watch::Receiver<bool>,
) {
    let mut listeners = Some(listeners);
    loop {
        let (rpc_listener, web_listener) = match listeners.take() {
            Some(l) => l,
            None => match bind(miner.identity.ip).await {
                Ok(l) => l,
                Err(error) => {
                    tracing::warn!(%error, "miner could not come back after reboot; retrying");
                    tokio::select! {
                        () = tokio::time::sleep(Duration::from_secs(1)) => continue,
                        _ = shutdown.changed() => return,
                    }
                }
            },
        };
        let stop = serve(&miner, &rpc_listener, &web_listener, &mut shutdown).await;
        // Dropping the listeners refuses new connections; serve() already aborted open ones.
        drop((rpc_listener, web_listener));
        if matches!(stop, Stop::Shutdown) {
            return;
        }
        let offline = miner.lock().offline_for.unwrap_or_default();
        tokio::select! {
            () = tokio::time::sleep(offline) => {}
            _ = shutdown.changed() => return,
        }
        miner.lock().boot(Instant::now());
        tracing::debug!(ip = %miner.identity.ip, "simulated miner back after reboot");
    }
}

async fn serve(
    miner: &Arc<MinerShared>,
    rpc_listener: &TcpListener,
    web_listener: &TcpListener,
    shutdown: &mut watch::Receiver<bool>,
) -> Stop {
    // Owning the connection tasks here means leaving this function aborts them all.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = rpc_listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(rpc::serve_connection(Arc::clone(miner), stream));
                }
                Err(error) => accept_failed(&error).await,
            },
            accepted = web_listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(web::serve_connection(Arc::clone(miner), stream));
                }
                Err(error) => accept_failed(&error).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            () = miner.power_off.notified() => return Stop::PowerOff,
            _ = shutdown.changed() => return Stop::Shutdown,
        }
    }
}

/// Out of descriptors (EMFILE) is the usual cause; back off instead of spinning on accept.
async fn accept_failed(error: &io::Error) {
    tracing::debug!(%error, "accept failed");
    tokio::time::sleep(Duration::from_millis(20)).await;
}
