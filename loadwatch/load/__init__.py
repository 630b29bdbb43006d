"""Pure pandas computations over the run log: frames in, frames out; no I/O and no clock."""
