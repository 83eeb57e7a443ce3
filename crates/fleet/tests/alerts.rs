//! The alert engine's rules and timings, reading by reading.

// Test helpers outside #[test] fns may unwrap: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use fleet::alerts::{
    AckError, Acknowledgement, AlertBook, AlertChange, AlertKind, AlertRules, AlertTransition,
    Reading, Severity,
};

const MINUTE_MS: i64 = 60_000;
const EXPECTED_HS: f64 = 200e12;

/// A healthy, hashing miner polled at minute `minute`.
fn healthy(minute: i64) -> Reading {
    let at_ms = minute * MINUTE_MS;
    Reading {
        miner_id: 7,
        at_ms,
        online: true,
        is_mining: true,
        hashrate_hs: Some(EXPECTED_HS),
        expected_hashrate_hs: Some(EXPECTED_HS),
        temp_max_c: Some(65.0),
        fan_min_rpm: Some(4_000),
        boards_total: Some(3),
        boards_active: Some(3),
        hardware_errors: Some(0),
        last_seen_ms: Some(at_ms),
    }
}

fn hot(minute: i64, temp_max_c: f64) -> Reading {
    Reading {
        temp_max_c: Some(temp_max_c),
        ..healthy(minute)
    }
}

/// The miner silent since minute `since`, polled at `minute`, its last figures still attached.
fn silent(minute: i64, since: i64) -> Reading {
    Reading {
        online: false,
        last_seen_ms: Some(since * MINUTE_MS),
        ..hot(minute, 95.0)
    }
}

struct Farm {
    rules: AlertRules,
    book: AlertBook,
}

impl Farm {
    fn new() -> Self {
        Self {
            rules: AlertRules::default(),
            book: AlertBook::new(),
        }
    }

    fn observe(&mut self, reading: Reading) -> Vec<AlertChange> {
        self.book.observe(&self.rules, &reading)
    }

    /// (kind, transition, severity) of each event of one reading.
    fn feed(&mut self, reading: Reading) -> Vec<(AlertKind, AlertTransition, Severity)> {
        self.observe(reading)
            .into_iter()
            .map(|e| (e.kind, e.transition, e.severity))
            .collect()
    }
}

use AlertKind::{DeadBoards, FanStopped, HardwareErrors, HashrateLow, Offline, Temperature};
use AlertTransition::{Escalated, Opened, Resolved};
use Severity::{Critical, Warning};

#[test]
fn a_temperature_alert_opens_only_after_the_debounce_readings() {
    let mut farm = Farm::new();
    assert_eq!(farm.feed(hot(1, 80.0)), vec![]);
    let events = farm.observe(hot(2, 80.0));
    assert_eq!(
        events,
        vec![AlertChange {
            miner_id: 7,
            kind: Temperature,
            severity: Warning,
            transition: Opened,
            at_ms: 2 * MINUTE_MS,
            value: 80.0,
            threshold: 75.0,
        }]
    );
    assert_eq!(
        farm.feed(hot(3, 80.0)),
        vec![],
        "an open alert does not reopen"
    );
}

#[test]
fn a_single_spike_between_good_readings_opens_nothing() {
    let mut farm = Farm::new();
    for (minute, temp) in [(1, 80.0), (2, 60.0), (3, 80.0), (4, 60.0)] {
        assert_eq!(farm.feed(hot(minute, temp)), vec![]);
    }
}

#[test]
fn a_warning_escalates_to_critical_as_one_alert() {
    let mut farm = Farm::new();
    farm.feed(hot(1, 80.0));
    assert_eq!(
        farm.feed(hot(2, 90.0)),
        vec![(Temperature, Opened, Warning)]
    );
    assert_eq!(
        farm.feed(hot(3, 90.0)),
        vec![(Temperature, Escalated, Critical)]
    );
    assert_eq!(
        farm.feed(hot(4, 80.0)),
        vec![],
        "no de-escalation while open"
    );
    let open: Vec<_> = farm.book.open_alerts().collect();
    assert_eq!(open.len(), 1);
    assert_eq!((open[0].kind, open[0].severity), (Temperature, Critical));
}

#[test]
fn a_miner_hot_enough_from_the_start_opens_critical() {
    let mut farm = Farm::new();
    farm.feed(hot(1, 90.0));
    let events = farm.observe(hot(2, 91.0));
    assert_eq!((events[0].severity, events[0].threshold), (Critical, 85.0));
}

#[test]
fn an_alert_resolves_after_the_resolve_readings_in_a_row() {
    let mut farm = Farm::new();
    farm.feed(hot(1, 80.0));
    farm.feed(hot(2, 80.0));
    assert_eq!(farm.feed(healthy(3)), vec![]);
    assert_eq!(farm.feed(healthy(4)), vec![]);
    assert_eq!(
        farm.feed(hot(5, 80.0)),
        vec![],
        "a relapse restarts the count"
    );
    assert_eq!(farm.feed(healthy(6)), vec![]);
    assert_eq!(farm.feed(healthy(7)), vec![]);
    let events = farm.observe(healthy(8));
    assert_eq!(events.len(), 1);
    assert_eq!((events[0].transition, events[0].value), (Resolved, 65.0));
    assert!(farm.book.open_alert(7, Temperature).is_none());
}

#[test]
fn after_a_resolve_the_alert_stays_silent_for_the_cooldown_then_reopens_if_still_true() {
    let mut farm = Farm::new();
    farm.feed(hot(1, 80.0));
    farm.feed(hot(2, 80.0));
    for minute in 3..=5 {
        farm.feed(healthy(minute));
    }
    // Resolved at minute 5; the cooldown runs to minute 35.
    for minute in 6..35 {
        assert_eq!(farm.feed(hot(minute, 80.0)), vec![], "minute {minute}");
    }
    assert_eq!(
        farm.feed(hot(35, 80.0)),
        vec![(Temperature, Opened, Warning)]
    );
}

#[test]
fn two_conditions_in_one_reading_open_two_alerts_of_their_own() {
    let mut farm = Farm::new();
    let no_fan = |minute| Reading {
        fan_min_rpm: Some(0),
        ..hot(minute, 80.0)
    };
    farm.feed(no_fan(1));
    let events = farm.feed(no_fan(2));
    assert_eq!(
        events,
        vec![
            (Temperature, Opened, Warning),
            (FanStopped, Opened, Critical)
        ]
    );
}

#[test]
fn offline_opens_once_the_silence_reaches_five_minutes_without_debounce() {
    let mut farm = Farm::new();
    farm.feed(healthy(0));
    for minute in 1..5 {
        assert_eq!(farm.feed(silent(minute, 0)), vec![], "minute {minute}");
    }
    let events = farm.observe(silent(5, 0));
    assert_eq!(events.len(), 1);
    let event = events[0];
    assert_eq!(
        (event.kind, event.severity, event.transition),
        (Offline, Critical, Opened)
    );
    assert_eq!((event.value, event.threshold), (300_000.0, 300_000.0));
}

#[test]
fn an_offline_miner_raises_nothing_else_and_its_open_alerts_neither_resolve_nor_escalate() {
    let mut farm = Farm::new();
    farm.feed(hot(0, 80.0));
    assert_eq!(
        farm.feed(hot(1, 80.0)),
        vec![(Temperature, Opened, Warning)]
    );
    // Silent from minute 1 with stale figures: 95 °C and all.
    let stale_cool = |minute| Reading {
        temp_max_c: Some(50.0),
        ..silent(minute, 1)
    };
    for minute in 2..=5 {
        assert_eq!(farm.feed(silent(minute, 1)), vec![]);
    }
    assert_eq!(farm.feed(stale_cool(6)), vec![(Offline, Opened, Critical)]);
    for minute in 7..=12 {
        assert_eq!(farm.feed(stale_cool(minute)), vec![]);
    }
    let temperature = farm.book.open_alert(7, Temperature).unwrap();
    assert_eq!(temperature.severity, Warning);
    // Back online: offline resolves after three answers, temperature likewise.
    assert_eq!(farm.feed(healthy(13)), vec![]);
    assert_eq!(farm.feed(healthy(14)), vec![]);
    assert_eq!(
        farm.feed(healthy(15)),
        vec![
            (Temperature, Resolved, Warning),
            (Offline, Resolved, Critical)
        ]
    );
}

#[test]
fn a_miner_that_never_answered_is_offline_five_minutes_after_its_first_poll() {
    let mut farm = Farm::new();
    let never = |minute| Reading {
        last_seen_ms: None,
        ..silent(minute, 0)
    };
    for minute in 10..15 {
        assert_eq!(farm.feed(never(minute)), vec![]);
    }
    assert_eq!(farm.feed(never(15)), vec![(Offline, Opened, Critical)]);
}

#[test]
fn low_hashrate_is_measured_against_the_miners_own_expectation_and_only_while_hashing() {
    let mut farm = Farm::new();
    let slow = |minute, is_mining| Reading {
        hashrate_hs: Some(EXPECTED_HS * 0.7),
        is_mining,
        ..healthy(minute)
    };
    // 50 TH/s, the old fixed threshold, would call a 140 TH/s machine fine.
    farm.feed(slow(1, true));
    let events = farm.observe(slow(2, true));
    assert_eq!((events[0].kind, events[0].severity), (HashrateLow, Warning));
    assert!((events[0].threshold - EXPECTED_HS * 0.8).abs() < 1.0);
    // Paused (curtailed): no verdict, so the alert neither resolves nor counts.
    let paused = |minute| Reading {
        hashrate_hs: Some(0.0),
        ..slow(minute, false)
    };
    for minute in 3..=8 {
        assert_eq!(farm.feed(paused(minute)), vec![]);
    }
    assert!(farm.book.open_alert(7, HashrateLow).is_some());
    let mut fresh = Farm::new();
    for minute in 1..=4 {
        assert_eq!(
            fresh.feed(paused(minute)),
            vec![],
            "a paused miner is slow on purpose"
        );
    }
}

fn with_errors(minute: i64, hardware_errors: u64) -> Reading {
    Reading {
        hardware_errors: Some(hardware_errors),
        ..healthy(minute)
    }
}

#[test]
fn hardware_errors_alert_on_their_rate_not_their_total() {
    let mut farm = Farm::new();
    // An old miner with a huge but flat counter: the original's "> 100" would alarm forever.
    for minute in 0..5 {
        assert_eq!(farm.feed(with_errors(minute, 1_000_000)), vec![]);
    }
    // Then 5 a minute = 300 per hour, above 60.
    farm.feed(with_errors(5, 1_000_005));
    let events = farm.observe(with_errors(6, 1_000_010));
    assert_eq!(events.len(), 1);
    assert_eq!(
        (events[0].kind, events[0].value, events[0].threshold),
        (HardwareErrors, 300.0, 60.0)
    );
}

#[test]
fn a_counter_reset_on_reboot_is_no_rate_and_the_next_reading_measures_from_it() {
    let mut farm = Farm::new();
    farm.feed(with_errors(0, 0));
    farm.feed(with_errors(1, 10));
    assert_eq!(
        farm.feed(with_errors(2, 20)),
        vec![(HardwareErrors, Opened, Warning)]
    );
    // Reboot: the counter drops. Neither a huge negative rate nor a good reading.
    assert_eq!(farm.feed(with_errors(3, 2)), vec![]);
    assert!(farm.book.open_alert(7, HardwareErrors).is_some());
    // From the reset: quiet for three readings resolves it.
    assert_eq!(farm.feed(with_errors(4, 2)), vec![]);
    assert_eq!(farm.feed(with_errors(5, 2)), vec![]);
    assert_eq!(
        farm.feed(with_errors(6, 2)),
        vec![(HardwareErrors, Resolved, Warning)]
    );
}

#[test]
fn a_stopped_fan_is_critical_while_hashing_and_ignored_while_asleep() {
    let mut farm = Farm::new();
    let stopped = |minute, is_mining| Reading {
        fan_min_rpm: Some(0),
        is_mining,
        hashrate_hs: Some(if is_mining { EXPECTED_HS } else { 0.0 }),
        ..healthy(minute)
    };
    for minute in 1..=3 {
        assert_eq!(farm.feed(stopped(minute, false)), vec![]);
    }
    farm.feed(stopped(4, true));
    assert_eq!(
        farm.feed(stopped(5, true)),
        vec![(FanStopped, Opened, Critical)]
    );
}

#[test]
fn a_dead_board_opens_with_the_active_and_fitted_counts() {
    let mut farm = Farm::new();
    let dead = |minute| Reading {
        boards_active: Some(2),
        ..healthy(minute)
    };
    farm.feed(dead(1));
    let events = farm.observe(dead(2));
    assert_eq!(
        (events[0].kind, events[0].value, events[0].threshold),
        (DeadBoards, 2.0, 3.0)
    );
}

#[test]
fn missing_figures_neither_open_nor_resolve() {
    let mut farm = Farm::new();
    farm.feed(hot(1, 80.0));
    farm.feed(hot(2, 80.0));
    let blind = |minute| Reading {
        temp_max_c: None,
        ..healthy(minute)
    };
    for minute in 3..=9 {
        assert_eq!(farm.feed(blind(minute)), vec![]);
    }
    assert!(farm.book.open_alert(7, Temperature).is_some());
}

#[test]
fn an_acknowledged_alert_still_resolves_and_an_escalation_clears_the_mark() {
    let mut farm = Farm::new();
    assert_eq!(
        farm.book.acknowledge(7, Temperature, 1, 0),
        Err(AckError::NotOpen {
            miner_id: 7,
            kind: Temperature
        })
    );
    farm.feed(hot(1, 80.0));
    farm.feed(hot(2, 80.0));
    farm.book.acknowledge(7, Temperature, 42, 150_000).unwrap();
    farm.book.acknowledge(7, Temperature, 43, 160_000).unwrap();
    let expected = Some(Acknowledgement {
        by_user_id: 42,
        at_ms: 150_000,
    });
    assert_eq!(
        farm.book.open_alert(7, Temperature).unwrap().acknowledged,
        expected
    );
    farm.feed(hot(3, 90.0));
    farm.feed(hot(4, 90.0));
    assert_eq!(
        farm.book.open_alert(7, Temperature).unwrap().acknowledged,
        None
    );
    farm.book.acknowledge(7, Temperature, 42, 300_000).unwrap();
    for minute in 5..=7 {
        farm.feed(healthy(minute));
    }
    assert!(farm.book.open_alert(7, Temperature).is_none());
}

#[test]
fn repeated_and_older_readings_are_ignored() {
    let mut farm = Farm::new();
    farm.feed(hot(5, 80.0));
    assert_eq!(
        farm.feed(hot(5, 80.0)),
        vec![],
        "the same reading twice is not two readings"
    );
    assert_eq!(farm.feed(hot(4, 80.0)), vec![]);
    assert_eq!(
        farm.feed(hot(6, 80.0)),
        vec![(Temperature, Opened, Warning)]
    );
}

#[test]
fn miners_are_independent() {
    let mut farm = Farm::new();
    farm.feed(hot(1, 80.0));
    let other = Reading {
        miner_id: 8,
        ..hot(2, 80.0)
    };
    assert_eq!(farm.feed(other), vec![]);
    farm.book.forget(8);
    assert_eq!(farm.book.len(), 1);
}

#[test]
fn a_stored_book_continues_exactly_where_it_left_off() {
    let mut farm = Farm::new();
    farm.feed(hot(1, 80.0));
    farm.feed(hot(2, 80.0));
    farm.feed(healthy(3));
    farm.feed(with_errors(4, 0));
    let json = serde_json::to_string(&farm.book).unwrap();
    let mut restored = Farm {
        rules: farm.rules,
        book: serde_json::from_str(&json).unwrap(),
    };
    assert_eq!(restored.book, farm.book);
    let mut events = Vec::new();
    for (minute, count) in [(5, 500), (6, 600), (7, 700)] {
        let continued = restored.feed(with_errors(minute, count));
        assert_eq!(continued, farm.feed(with_errors(minute, count)));
        events.extend(continued);
    }
    assert_eq!(
        events,
        vec![
            (Temperature, Resolved, Warning),
            (HardwareErrors, Opened, Warning)
        ]
    );
    // Healthy miners store next to nothing: only the busy slots are written.
    let mut quiet = Farm::new();
    quiet.feed(healthy(1));
    let small = serde_json::to_string(&quiet.book).unwrap();
    assert!(small.len() < 120, "{small}");
}
