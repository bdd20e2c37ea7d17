//! Integration tests: the real binary on `testdata/` and on inputs made per test.

mod address;
mod addresses;
mod architecture;
mod check;
mod counts;
mod custody;
mod encoded;
mod examples;
mod formats;
mod forms;
mod hostile;
mod independent;
mod kinds;
mod parity;
mod records;
mod report;
mod rules;
mod shard;
mod slurm;
mod truth;
mod unwrap;
mod util;
mod windows;
mod workflow;
