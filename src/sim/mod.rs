//! The pagoPA node / PSP side, for tests, fixtures and (later) `mypay node-sim`: builds the
//! requests the node sends to an EC and, like the node, turns an activation answer into a
//! receipt.

pub mod flow;
pub mod messages;
pub mod replay;
