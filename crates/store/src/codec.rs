//! Compressors, written the way zarr-python 2 (numcodecs) and Zarr v3 spell them.

use std::fmt;
use std::str::FromStr;

use serde_json::{Value, json};

/// The byte or bit shuffle that Blosc applies before compressing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shuffle {
    /// No shuffle.
    None,
    /// Byte shuffle.
    Byte,
    /// Bit shuffle (the workshop's choice for float32 fields).
    Bit,
}

impl Shuffle {
    fn numcodecs_id(self) -> u8 {
        match self {
            Shuffle::None => 0,
            Shuffle::Byte => 1,
            Shuffle::Bit => 2,
        }
    }
    fn v3_name(self) -> &'static str {
        match self {
            Shuffle::None => "noshuffle",
            Shuffle::Byte => "shuffle",
            Shuffle::Bit => "bitshuffle",
        }
    }
}

/// The compressor of an array's chunks.
///
/// ```
/// use cumulus_store::Compressor;
/// let c: Compressor = "zstd".parse()?;
/// assert_eq!(c, Compressor::blosc_zstd(3));
/// assert_eq!(c.to_string(), "blosc-zstd-3-bitshuffle");
/// assert_eq!("gzip".parse::<Compressor>()?, Compressor::Gzip { level: 5 });
/// assert!("brotli".parse::<Compressor>().is_err());
/// # Ok::<(), String>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compressor {
    /// Chunks are stored as raw little-endian bytes.
    None,
    /// Blosc with zstd inside (`clevel` 0–9; Blosc maps it to zstd level `2·clevel − 1`).
    BloscZstd {
        /// Blosc compression level, 0–9.
        clevel: u8,
        /// Shuffle applied before compression.
        shuffle: Shuffle,
    },
    /// Blosc with lz4 inside.
    BloscLz4 {
        /// Blosc compression level, 0–9.
        clevel: u8,
        /// Shuffle applied before compression.
        shuffle: Shuffle,
    },
    /// Blosc with lz4hc inside (slower than lz4, smaller).
    BloscLz4hc {
        /// Blosc compression level, 0–9.
        clevel: u8,
        /// Shuffle applied before compression.
        shuffle: Shuffle,
    },
    /// Blosc with zlib inside (the workshop's "Blosc-GZIP").
    BloscZlib {
        /// Blosc compression level, 0–9.
        clevel: u8,
        /// Shuffle applied before compression.
        shuffle: Shuffle,
    },
    /// gzip (numcodecs `gzip` in format 2, `gzip` codec in format 3).
    Gzip {
        /// gzip level, 0–9.
        level: u8,
    },
}

impl Compressor {
    /// Blosc zstd at `clevel` with bit shuffle: the workshop's compressor at `clevel = 3`.
    #[must_use]
    pub fn blosc_zstd(clevel: u8) -> Self {
        Compressor::BloscZstd { clevel, shuffle: Shuffle::Bit }
    }

    /// Blosc lz4 at `clevel` with bit shuffle.
    #[must_use]
    pub fn blosc_lz4(clevel: u8) -> Self {
        Compressor::BloscLz4 { clevel, shuffle: Shuffle::Bit }
    }

    /// Blosc lz4hc at `clevel` with bit shuffle.
    #[must_use]
    pub fn blosc_lz4hc(clevel: u8) -> Self {
        Compressor::BloscLz4hc { clevel, shuffle: Shuffle::Bit }
    }

    /// Blosc zlib at `clevel` with bit shuffle.
    #[must_use]
    pub fn blosc_zlib(clevel: u8) -> Self {
        Compressor::BloscZlib { clevel, shuffle: Shuffle::Bit }
    }

    /// The same compressor at another level (ignored for [`Compressor::None`]).
    #[must_use]
    pub fn with_level(self, level: u8) -> Self {
        match self {
            Compressor::None => Compressor::None,
            Compressor::BloscZstd { shuffle, .. } => Compressor::BloscZstd { clevel: level, shuffle },
            Compressor::BloscLz4 { shuffle, .. } => Compressor::BloscLz4 { clevel: level, shuffle },
            Compressor::BloscLz4hc { shuffle, .. } => Compressor::BloscLz4hc { clevel: level, shuffle },
            Compressor::BloscZlib { shuffle, .. } => Compressor::BloscZlib { clevel: level, shuffle },
            Compressor::Gzip { .. } => Compressor::Gzip { level },
        }
    }

    /// The level, if the compressor has one.
    #[must_use]
    pub fn level(self) -> Option<u8> {
        match self {
            Compressor::None => None,
            Compressor::BloscZstd { clevel, .. }
            | Compressor::BloscLz4 { clevel, .. }
            | Compressor::BloscLz4hc { clevel, .. }
            | Compressor::BloscZlib { clevel, .. } => Some(clevel),
            Compressor::Gzip { level } => Some(level),
        }
    }

    /// The `compressor` entry of a Zarr v2 `.zarray`, as numcodecs writes it.
    pub(crate) fn v2_json(self) -> Value {
        match self {
            Compressor::None => Value::Null,
            Compressor::BloscZstd { clevel, shuffle } => blosc_v2("zstd", clevel, shuffle),
            Compressor::BloscLz4 { clevel, shuffle } => blosc_v2("lz4", clevel, shuffle),
            Compressor::BloscLz4hc { clevel, shuffle } => blosc_v2("lz4hc", clevel, shuffle),
            Compressor::BloscZlib { clevel, shuffle } => blosc_v2("zlib", clevel, shuffle),
            Compressor::Gzip { level } => json!({"id": "gzip", "level": level}),
        }
    }

    /// The bytes-to-bytes codecs of a Zarr v3 `zarr.json` (after the `bytes` codec).
    pub(crate) fn v3_codecs(self, typesize: usize) -> Vec<Value> {
        let blosc = |cname: &str, clevel: u8, shuffle: Shuffle| {
            json!({"name": "blosc", "configuration": {
                "cname": cname, "clevel": clevel, "shuffle": shuffle.v3_name(),
                "typesize": typesize, "blocksize": 0}})
        };
        match self {
            Compressor::None => vec![],
            Compressor::BloscZstd { clevel, shuffle } => vec![blosc("zstd", clevel, shuffle)],
            Compressor::BloscLz4 { clevel, shuffle } => vec![blosc("lz4", clevel, shuffle)],
            Compressor::BloscLz4hc { clevel, shuffle } => vec![blosc("lz4hc", clevel, shuffle)],
            Compressor::BloscZlib { clevel, shuffle } => vec![blosc("zlib", clevel, shuffle)],
            Compressor::Gzip { level } => vec![json!({"name": "gzip", "configuration": {"level": level}})],
        }
    }

    /// Checks the level is in range, naming the compressor and the range otherwise.
    ///
    /// # Errors
    /// A message naming the compressor, the level given and the allowed range.
    pub fn validate(self) -> Result<(), String> {
        match self.level() {
            Some(level) if level > 9 => Err(format!("compressor {self}: level {level} is out of range 0..=9")),
            _ => Ok(()),
        }
    }
}

fn blosc_v2(cname: &str, clevel: u8, shuffle: Shuffle) -> Value {
    json!({"id": "blosc", "cname": cname, "clevel": clevel, "shuffle": shuffle.numcodecs_id(), "blocksize": 0})
}

impl fmt::Display for Compressor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Compressor::None => write!(f, "none"),
            Compressor::BloscZstd { clevel, shuffle } => write!(f, "blosc-zstd-{clevel}-{}", shuffle.v3_name()),
            Compressor::BloscLz4 { clevel, shuffle } => write!(f, "blosc-lz4-{clevel}-{}", shuffle.v3_name()),
            Compressor::BloscLz4hc { clevel, shuffle } => write!(f, "blosc-lz4hc-{clevel}-{}", shuffle.v3_name()),
            Compressor::BloscZlib { clevel, shuffle } => write!(f, "blosc-zlib-{clevel}-{}", shuffle.v3_name()),
            Compressor::Gzip { level } => write!(f, "gzip-{level}"),
        }
    }
}

impl FromStr for Compressor {
    type Err = String;

    /// Parses `zstd`, `lz4`, `lz4hc`, `blosc-zlib`, `gzip` or `none` with their default levels
    /// (3, 5, 5, 5, 5).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "zstd" | "blosc-zstd" => Ok(Compressor::blosc_zstd(3)),
            "lz4" | "blosc-lz4" => Ok(Compressor::blosc_lz4(5)),
            "lz4hc" | "blosc-lz4hc" => Ok(Compressor::blosc_lz4hc(5)),
            "blosc-zlib" => Ok(Compressor::blosc_zlib(5)),
            "gzip" => Ok(Compressor::Gzip { level: 5 }),
            "none" => Ok(Compressor::None),
            other => {
                Err(format!("unknown compressor {other:?}; expected one of zstd, lz4, lz4hc, blosc-zlib, gzip, none"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blosc_variants_are_spelled_as_numcodecs_and_zarr_v3_spell_them() {
        let lz4hc = Compressor::blosc_lz4hc(7);
        assert_eq!(
            lz4hc.v2_json(),
            json!({"id": "blosc", "cname": "lz4hc", "clevel": 7, "shuffle": 2, "blocksize": 0})
        );
        let zlib = Compressor::BloscZlib { clevel: 4, shuffle: Shuffle::Byte };
        assert_eq!(zlib.v3_codecs(4)[0]["configuration"]["cname"], "zlib");
        assert_eq!(zlib.v3_codecs(4)[0]["configuration"]["shuffle"], "shuffle");
        assert_eq!(zlib.to_string(), "blosc-zlib-4-shuffle");
        assert_eq!("blosc-zlib".parse::<Compressor>(), Ok(Compressor::blosc_zlib(5)));
        assert_eq!("lz4hc".parse::<Compressor>(), Ok(Compressor::blosc_lz4hc(5)));
        assert_eq!(zlib.with_level(9).level(), Some(9));
        assert!(Compressor::blosc_lz4hc(10).validate().unwrap_err().contains("0..=9"));
    }
}
