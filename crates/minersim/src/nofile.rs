//! Raising the open-file limit: each miner holds two listening sockets, so 20,000 miners need
//! about 40,000 descriptors plus the connections of a scan, above the usual soft limit.

use rlimit::Resource;

/// Best effort: raise the soft limit (and, as root, the hard limit) to at least `wanted`.
/// Returns the soft limit in force afterwards.
pub fn ensure(wanted: u64) -> u64 {
    let Ok((soft, hard)) = rlimit::getrlimit(Resource::NOFILE) else {
        return 0;
    };
    if soft >= wanted {
        return soft;
    }
    // Root (CAP_SYS_RESOURCE) may lift the hard limit too; others get at most the hard limit.
    if rlimit::setrlimit(Resource::NOFILE, wanted, hard.max(wanted)).is_ok() {
        return wanted;
    }
    let raised = rlimit::increase_nofile_limit(wanted).unwrap_or(soft);
    if raised < wanted {
        tracing::warn!(
            wanted,
            raised,
            "open-file limit too low for this many simulated miners"
        );
    }
    raised
}
