//! What a poll asks a miner for. asic-rs's plain `get_data` sends every command its backend
//! knows: on stock Antminer firmware 5 RPC commands and 5 digest-authenticated web requests,
//! each of which the web server first answers with a 401 challenge, so 15 round trips a miner.
//! A sample needs fewer: the live fields every cycle, and the identity fields (MAC, serial,
//! firmware version) only when the miner may have changed, which cuts a cached cycle to 8.

use asic_rs::core::data::collector::DataField;
use strum::IntoEnumIterator;

/// What [`crate::convert::sample_from_data`] reads every cycle.
const LIVE: [DataField; 10] = [
    DataField::Hashrate,
    DataField::ExpectedHashrate,
    DataField::Wattage,
    DataField::Hashboards,
    DataField::Chips,
    DataField::Fans,
    DataField::Pools,
    DataField::Uptime,
    DataField::IsMining,
    DataField::Messages,
];

/// What says which machine answers; on a stock Antminer all three come from one web request
/// (`get_system_info`).
const IDENTITY: [DataField; 3] = [
    DataField::Mac,
    DataField::SerialNumber,
    DataField::FirmwareVersion,
];

/// Which fields one read asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fields {
    Live,
    LiveAndIdentity,
    /// After a restart seen in a live read.
    Identity,
}

/// The fields to leave out of a read: always everything a sample does not use (hostname, API
/// and control-board versions, the locate light, tuning …), and whichever of the live and
/// identity fields `wanted` does not name.
pub fn excluded(wanted: Fields) -> Vec<DataField> {
    let (live, identity) = match wanted {
        Fields::Live => (true, false),
        Fields::LiveAndIdentity => (true, true),
        Fields::Identity => (false, true),
    };
    DataField::iter()
        .filter(|field| {
            let wanted_now =
                (live && LIVE.contains(field)) || (identity && IDENTITY.contains(field));
            !wanted_now
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_read_keeps_the_live_fields_and_drops_identity() {
        let excluded = excluded(Fields::Live);
        assert!(LIVE.iter().all(|f| !excluded.contains(f)));
        assert!(IDENTITY.iter().all(|f| excluded.contains(f)));
        assert!(excluded.contains(&DataField::Hostname));
        assert!(excluded.contains(&DataField::LightFlashing));
    }

    #[test]
    fn an_identity_read_keeps_mac_serial_and_firmware_only() {
        let excluded = excluded(Fields::Identity);
        assert!(IDENTITY.iter().all(|f| !excluded.contains(f)));
        assert!(LIVE.iter().all(|f| excluded.contains(f)));
    }

    #[test]
    fn a_full_read_keeps_both_and_nothing_else() {
        let excluded = excluded(Fields::LiveAndIdentity);
        assert!(LIVE.iter().chain(&IDENTITY).all(|f| !excluded.contains(f)));
        assert!(excluded.contains(&DataField::ApiVersion));
        assert!(excluded.contains(&DataField::ControlBoardVersion));
        assert_eq!(
            excluded.len(),
            DataField::iter().count() - LIVE.len() - IDENTITY.len()
        );
    }
}
