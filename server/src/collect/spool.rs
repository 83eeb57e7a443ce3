//! The standalone collector's disk buffer. Every cycle's samples are written here before any
//! upload is tried, one gzip-compressed JSON batch per file, so a crash, a restart or a server
//! that is down for a day loses nothing: files leave the spool only once the server has
//! acknowledged them. The file is already the request body, so sending it costs no work.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use domain::telemetry::TelemetrySample;
use flate2::Compression;
use flate2::write::GzEncoder;

const BATCH_SUFFIX: &str = ".json.gz";
/// Batches the server refused as malformed: kept for a person to look at, never sent again.
const REJECTED_DIR: &str = "rejected";

/// A directory of batches waiting for upload, oldest first.
pub struct Spool {
    dir: PathBuf,
    sequence: AtomicU64,
}

/// What is waiting, for the log and the operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Backlog {
    pub batches: usize,
    pub bytes: u64,
}

impl Spool {
    /// Opens (creating if needed) the spool in `dir`. Leftovers of a write cut short by a crash
    /// (`*.tmp`) are removed: their batch was never acknowledged as written, and the cycle that
    /// made it wrote nothing else.
    pub fn open(dir: &Path) -> io::Result<Self> {
        fs::create_dir_all(dir.join(REJECTED_DIR))?;
        for entry in fs::read_dir(dir)? {
            let path = entry?.path();
            if path.extension().is_some_and(|ext| ext == "tmp") {
                fs::remove_file(&path)?;
            }
        }
        Ok(Self {
            dir: dir.to_owned(),
            sequence: AtomicU64::new(0),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes one batch durably (temporary file, fsync, rename) and returns its path. Names sort
    /// in time order: the time the batch was spooled, this process's id and a counter.
    pub fn push(&self, samples: &[TelemetrySample], now_ms: i64) -> io::Result<PathBuf> {
        let sequence = self.sequence.fetch_add(1, Ordering::Relaxed);
        let name = format!(
            "{now_ms:013}-{pid:07}-{sequence:06}",
            pid = std::process::id()
        );
        let path = self.dir.join(format!("{name}{BATCH_SUFFIX}"));
        let json = serde_json::to_vec(samples).map_err(io::Error::other)?;
        let mut gzip = GzEncoder::new(Vec::with_capacity(json.len() / 8), Compression::fast());
        gzip.write_all(&json)?;
        write_durably(&path, &gzip.finish()?)?;
        Ok(path)
    }

    /// Batches waiting, oldest first.
    pub fn pending(&self) -> io::Result<Vec<PathBuf>> {
        let mut paths = Vec::new();
        for entry in fs::read_dir(&self.dir)? {
            let path = entry?.path();
            if path.is_file()
                && path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with(BATCH_SUFFIX))
            {
                paths.push(path);
            }
        }
        paths.sort();
        Ok(paths)
    }

    pub fn backlog(&self) -> io::Result<Backlog> {
        let mut backlog = Backlog::default();
        for path in self.pending()? {
            backlog.batches += 1;
            backlog.bytes += fs::metadata(&path)?.len();
        }
        Ok(backlog)
    }

    /// The batch's bytes: a gzip-compressed JSON array, ready to send.
    pub fn read(path: &Path) -> io::Result<Vec<u8>> {
        fs::read(path)
    }

    /// The server has the batch: it leaves the spool.
    pub fn acknowledge(path: &Path) -> io::Result<()> {
        fs::remove_file(path)
    }

    /// The server refused the batch as malformed: it moves aside (with the reason next to it)
    /// so it neither blocks the queue nor disappears.
    pub fn reject(&self, path: &Path, reason: &str) -> io::Result<PathBuf> {
        let name = path
            .file_name()
            .ok_or_else(|| io::Error::other("no file name"))?;
        let target = self.dir.join(REJECTED_DIR).join(name);
        fs::rename(path, &target)?;
        let mut note = target.as_os_str().to_owned();
        note.push(".reason.txt");
        fs::write(PathBuf::from(note), reason)?;
        Ok(target)
    }

    /// Batches set aside by [`Spool::reject`].
    pub fn rejected(&self) -> io::Result<usize> {
        Ok(fs::read_dir(self.dir.join(REJECTED_DIR))?
            .filter_map(Result::ok)
            .filter(|e| {
                e.file_name()
                    .to_str()
                    .is_some_and(|n| n.ends_with(BATCH_SUFFIX))
            })
            .count())
    }
}

/// Writes `bytes` to `path` so that a crash leaves either the old file or the whole new one:
/// a `.tmp` beside it, fsync, rename, then fsync of the directory so the rename survives a
/// power cut too. [`Spool::open`] removes `.tmp` leftovers.
pub fn write_durably(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    let mut file = File::create(&temporary)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    fs::rename(&temporary, path)?;
    if let Some(dir) = path.parent() {
        File::open(dir)?.sync_all()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use flate2::read::GzDecoder;

    use super::*;

    fn offline(miner_id: i64, taken_at_ms: i64) -> TelemetrySample {
        serde_json::from_value(serde_json::json!({
            "miner_id": miner_id, "taken_at_ms": taken_at_ms, "online": false
        }))
        .unwrap()
    }

    fn unzip(bytes: &[u8]) -> Vec<TelemetrySample> {
        let mut json = String::new();
        GzDecoder::new(bytes).read_to_string(&mut json).unwrap();
        serde_json::from_str(&json).unwrap()
    }

    #[test]
    fn batches_come_back_oldest_first_and_leave_only_when_acknowledged() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::open(dir.path()).unwrap();
        let later = spool.push(&[offline(2, 2_000)], 1_700_000_060_000).unwrap();
        let earlier = spool.push(&[offline(1, 1_000)], 1_700_000_000_000).unwrap();
        assert_eq!(
            spool.pending().unwrap(),
            vec![earlier.clone(), later.clone()]
        );
        let body = Spool::read(&earlier).unwrap();
        assert_eq!(unzip(&body), vec![offline(1, 1_000)]);

        Spool::acknowledge(&earlier).unwrap();
        assert_eq!(spool.pending().unwrap(), vec![later]);
        assert_eq!(spool.backlog().unwrap().batches, 1);
    }

    #[test]
    fn a_reopened_spool_still_holds_every_batch_and_drops_half_written_ones() {
        let dir = tempfile::tempdir().unwrap();
        {
            let spool = Spool::open(dir.path()).unwrap();
            spool.push(&[offline(1, 1_000)], 1_000).unwrap();
            spool.push(&[offline(1, 2_000)], 2_000).unwrap();
        }
        fs::write(dir.path().join("0000000003000-0000001-000000.tmp"), b"half").unwrap();
        let spool = Spool::open(dir.path()).unwrap();
        let pending = spool.pending().unwrap();
        assert_eq!(pending.len(), 2);
        assert!(!dir.path().join("0000000003000-0000001-000000.tmp").exists());
        let samples: Vec<_> = pending
            .iter()
            .flat_map(|p| unzip(&Spool::read(p).unwrap()))
            .collect();
        assert_eq!(samples, vec![offline(1, 1_000), offline(1, 2_000)]);
    }

    #[test]
    fn a_rejected_batch_moves_aside_with_its_reason() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::open(dir.path()).unwrap();
        let path = spool.push(&[offline(1, 1_000)], 1_000).unwrap();
        let moved = spool
            .reject(&path, "422: taken_at_ms in the future")
            .unwrap();
        assert!(spool.pending().unwrap().is_empty());
        assert_eq!(spool.rejected().unwrap(), 1);
        assert!(moved.exists());
        let mut note = moved.into_os_string();
        note.push(".reason.txt");
        assert_eq!(
            fs::read_to_string(PathBuf::from(note)).unwrap(),
            "422: taken_at_ms in the future"
        );
    }
}
