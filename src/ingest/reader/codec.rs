//! Compressed inputs: `alerts.csv.gz`, `alerts.ndjson.zst`. Exports and archives are usually
//! compressed, and a year of alerts is ten times smaller so, so every canonical reader takes
//! gzip (several members too, as `cat a.gz b.gz` makes) and zstd, told by the last extension, and
//! decompresses as it streams.
//!
//! The CSV reader's check for an unclosed quote looks again at the bytes of the file's last record
//! (`csv_file.rs`). A plain file is seeked; a compressed one cannot be, so the decoded stream keeps
//! its last `RECENT` bytes (`Recent`), which hold the last record unless that record swallowed more
//! than that (a quote left open megabytes before the end), when the file is decoded again up to it.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// How a file is compressed, from its last extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Plain,
    Gzip,
    Zstd,
}

impl Codec {
    pub fn of(path: &Path) -> Codec {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("gz" | "gzip") => Codec::Gzip,
            Some("zst" | "zstd") => Codec::Zstd,
            _ => Codec::Plain,
        }
    }

    /// `raw` (the file's bytes) decoded.
    pub fn decode(self, raw: Box<dyn Read>) -> std::io::Result<Box<dyn Read>> {
        Ok(match self {
            Codec::Plain => raw,
            Codec::Gzip => Box::new(flate2::read::MultiGzDecoder::new(BufReader::with_capacity(
                1 << 16,
                raw,
            ))),
            Codec::Zstd => Box::new(zstd::stream::read::Decoder::new(raw)?),
        })
    }
}

/// The path without its compression extension: `alerts.csv.gz` -> `alerts.csv`.
pub fn uncompressed_name(path: &Path) -> &Path {
    match Codec::of(path) {
        Codec::Plain => path,
        _ => path.file_stem().map_or(path, Path::new),
    }
}

/// The decoded bytes of the file at `path`.
pub fn open(path: &Path) -> std::io::Result<Box<dyn Read>> {
    Codec::of(path).decode(Box::new(File::open(path)?))
}

/// Decoded bytes kept from the end of a compressed stream.
const RECENT: usize = 4 << 20;

/// The last `RECENT` bytes a reader passed on, and how many it passed in all.
#[derive(Default)]
pub struct Window {
    bytes: VecDeque<u8>,
    total: u64,
}

/// A reader that keeps the `Window` of what it passed on.
pub struct Recent {
    inner: Box<dyn Read>,
    window: Arc<Mutex<Window>>,
}

impl Recent {
    pub fn new(inner: Box<dyn Read>, window: Arc<Mutex<Window>>) -> Recent {
        Recent { inner, window }
    }
}

impl Read for Recent {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut w = self.window.lock().unwrap_or_else(|p| p.into_inner());
        w.total += n as u64;
        let keep = &buf[n.saturating_sub(RECENT)..n];
        let over = (w.bytes.len() + keep.len()).saturating_sub(RECENT);
        w.bytes.drain(..over);
        w.bytes.extend(keep);
        Ok(n)
    }
}

/// The decoded bytes of `path` from `offset` to the end: from the window when it reaches back
/// that far, else by decoding the file again.
pub fn tail(path: &Path, offset: u64, window: &Mutex<Window>) -> std::io::Result<Vec<u8>> {
    {
        let w = window.lock().unwrap_or_else(|p| p.into_inner());
        let start = w.total - w.bytes.len() as u64;
        if offset >= start {
            return Ok(w
                .bytes
                .iter()
                .skip((offset - start) as usize)
                .copied()
                .collect());
        }
    }
    let mut r = open(path)?;
    std::io::copy(&mut (&mut r).take(offset), &mut std::io::sink())?;
    let mut out = vec![];
    r.read_to_end(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn gzip_of_several_members_and_zstd_decode_to_the_text() {
        let dir = tempfile::tempdir().unwrap();
        let gz = dir.path().join("alerts.csv.gz");
        let mut bytes = vec![];
        for part in ["a,b\n", "1,2\n"] {
            let mut e = flate2::write::GzEncoder::new(vec![], flate2::Compression::fast());
            e.write_all(part.as_bytes()).unwrap();
            bytes.extend(e.finish().unwrap());
        }
        std::fs::write(&gz, bytes).unwrap();
        let zst = dir.path().join("alerts.ndjson.zst");
        std::fs::write(&zst, zstd::encode_all(&b"{\"a\":1}\n"[..], 1).unwrap()).unwrap();
        let read = |p: &Path| {
            let mut s = String::new();
            open(p).unwrap().read_to_string(&mut s).unwrap();
            s
        };
        assert_eq!(read(&gz), "a,b\n1,2\n");
        assert_eq!(read(&zst), "{\"a\":1}\n");
        assert_eq!(uncompressed_name(&gz), Path::new("alerts.csv"));
        assert_eq!(Codec::of(Path::new("alerts.csv")), Codec::Plain);
    }

    #[test]
    fn the_tail_comes_from_the_window_or_from_decoding_again() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.csv.zst");
        let text: Vec<u8> = (0..(RECENT + 1000))
            .map(|i| b'a' + (i % 26) as u8)
            .collect();
        std::fs::write(&p, zstd::encode_all(&text[..], 1).unwrap()).unwrap();
        let window = Arc::new(Mutex::new(Window::default()));
        let mut r = Recent::new(open(&p).unwrap(), window.clone());
        std::io::copy(&mut r, &mut std::io::sink()).unwrap();
        let near = (text.len() - 10) as u64;
        assert_eq!(tail(&p, near, &window).unwrap(), &text[text.len() - 10..]);
        // Further back than the window keeps: decoded again.
        assert_eq!(tail(&p, 5, &window).unwrap(), &text[5..]);
    }
}
