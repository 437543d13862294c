//! `era5-gen`: write synthetic ERA5-like Zarr stores (the same as `cumulus gen`).

use clap::Parser;
use cumulus_data_gen::GenArgs;

// Chunk buffers are a few MB each: the system allocator maps and unmaps them every time,
// and the page faults cost more than the arithmetic.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "era5-gen", version, about = "Generate synthetic ERA5-like Zarr stores, one per year")]
struct Cli {
    #[command(flatten)]
    gen_args: GenArgs,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let report = cli.gen_args.run()?;
    println!("{report}");
    Ok(())
}
