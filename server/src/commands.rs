//! The commands of the `hashinsight` binary besides `serve`, one module each. Each opens what it
//! needs from the settings and calls the same use cases the server does.

pub mod calc;
pub mod minersim;
pub mod site;
pub mod user;
