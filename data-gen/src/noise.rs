//! Counter-based random numbers: every value is a pure function of the seed and of where it
//! is (variable, hour, level, latitude, longitude), never of the order in which chunks are
//! made. This is what makes the bytes independent of the thread count, and a coarse grid or a
//! shorter period an exact subset of a finer or longer one.

use std::convert::Infallible;

use rand::TryRng;
use rand_distr::{Distribution, Gamma, StandardNormal};

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;
const COLUMN: u64 = 0xD1B5_4A32_D192_ED03;

/// The splitmix64 finaliser: a bijective 64-bit mix with good avalanche.
#[inline]
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hashes a list of integers (seed, stream, coordinates) into one key.
#[inline]
pub(crate) fn key(parts: &[i64]) -> u64 {
    parts.iter().fold(GOLDEN, |acc, &p| mix(acc ^ (p as u64).wrapping_mul(GOLDEN)))
}

/// A coordinate in thousandths of a degree (or hPa), so keys do not depend on the grid step.
#[inline]
pub(crate) fn milli(x: f32) -> i64 {
    (f64::from(x) * 1000.0).round() as i64
}

/// The key of one point in a row of constant (stream, hour, level, latitude).
#[inline]
pub(crate) fn cell(row: u64, lon_milli: i64) -> u64 {
    mix(row ^ (lon_milli as u64).wrapping_mul(COLUMN))
}

/// A splitmix64 stream started from a point's key: the random source of one value.
struct CellRng(u64);

impl TryRng for CellRng {
    type Error = Infallible;
    #[inline]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((self.try_next_u64()? >> 32) as u32)
    }
    #[inline]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        self.0 = self.0.wrapping_add(GOLDEN);
        Ok(mix(self.0))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.try_next_u64()?.to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

/// A standard normal value for `key` (ziggurat).
#[inline]
pub(crate) fn normal(key: u64) -> f32 {
    let x: f64 = StandardNormal.sample(&mut CellRng(key));
    x as f32
}

/// A uniform value in [0, 1) for `key`, independent of [`normal`] for the same key.
#[inline]
pub(crate) fn uniform(key: u64) -> f32 {
    (mix(key ^ 0x5555_5555_5555_5555) >> 40) as f32 * (1.0 / 16_777_216.0)
}

/// A Gamma(0.7, 1) value for `key` (the heavy tail of rain amounts).
pub(crate) fn gamma_07(key: u64) -> f32 {
    match Gamma::<f64>::new(0.7, 1.0) {
        Ok(g) => g.sample(&mut CellRng(key ^ 0xAAAA_AAAA_AAAA_AAAA)) as f32,
        Err(_) => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_has_unit_moments_and_uniform_is_flat() {
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|i| f64::from(normal(key(&[7, i])))).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.02, "variance {var}");
        let tail = xs.iter().filter(|x| x.abs() > 2.0).count() as f64 / n as f64;
        assert!((tail - 0.0455).abs() < 0.003, "P(|z|>2) = {tail}");
        let us: Vec<f32> = (0..n).map(|i| uniform(key(&[8, i]))).collect();
        assert!(us.iter().all(|u| (0.0..1.0).contains(u)));
        let below = us.iter().filter(|&&u| u < 0.25).count() as f64 / n as f64;
        assert!((below - 0.25).abs() < 0.005, "P(u < 0.25) = {below}");
        let gs: Vec<f64> = (0..n).map(|i| f64::from(gamma_07(key(&[9, i])))).collect();
        let gmean = gs.iter().sum::<f64>() / n as f64;
        assert!((gmean - 0.7).abs() < 0.01, "Gamma(0.7) mean {gmean}");
    }

    #[test]
    fn keys_depend_on_every_part() {
        assert_ne!(key(&[1, 2, 3]), key(&[1, 3, 2]));
        assert_ne!(key(&[1, 2]), key(&[1, 2, 0]));
        assert_eq!(key(&[5, 6]), key(&[5, 6]));
        assert_eq!(milli(24.75), 24_750);
    }
}
