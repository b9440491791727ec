//! PNG encoding of a drawn chart: the 8-bit RGB buffer that plotters' `BitMapBackend` fills,
//! turned into PNG bytes in memory with the `png` crate.
//!
//! plotters itself only encodes PNG when writing to a path, and a report wants the bytes. The
//! settings are fixed (compression level, one filter for every row, no adaptive choice) and only
//! the IHDR, IDAT and IEND chunks are written (no tIME, text or gamma), so one bitmap always
//! gives the same bytes on every machine and run.

use ::png::{AdaptiveFilterType, BitDepth, ColorType, Compression, Encoder, FilterType};

use crate::error::{Error, Result};

/// Encode `rgb` (row-major, 3 bytes per pixel, `width * height * 3` bytes) as a PNG file.
///
/// Errors only when the buffer does not match the size, which `to_png` rules out; a `Result`
/// rather than a panic keeps a future caller's mistake from aborting a report.
pub fn encode_rgb(width: u32, height: u32, rgb: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut encoder = Encoder::new(&mut out, width, height);
    encoder.set_color(ColorType::Rgb);
    encoder.set_depth(BitDepth::Eight);
    // Charts are mostly flat colour: Sub turns horizontal runs into zeros, which deflate at
    // the default level packs to tens of kilobytes for 720 x 360 while staying quick.
    encoder.set_compression(Compression::Default);
    encoder.set_filter(FilterType::Sub);
    encoder.set_adaptive_filter(AdaptiveFilterType::NonAdaptive);
    let mut writer = encoder.write_header().map_err(encode_error)?;
    writer.write_image_data(rgb).map_err(encode_error)?;
    writer.finish().map_err(encode_error)?;
    Ok(out)
}

fn encode_error(e: ::png::EncodingError) -> Error {
    Error::Internal(format!("encoding a chart as PNG failed: {e}"))
}
