//! Properties that must hold for every input, checked on generated inputs: the maths is
//! linear and monotone where economics says it is, profit is exactly revenue minus costs, the
//! payback month agrees with the cumulative series, valid inputs give finite figures, and no
//! input whatsoever makes the crate panic.

// `profit_is_revenue_minus_costs` asserts bit-for-bit equality on purpose: the profit is
// defined as exactly that expression, so any difference at all would be a defect.
#![allow(clippy::float_cmp)]

use mining::breakeven::breakevens;
use mining::calculator::{MAX_DIFFICULTY, MAX_HASHRATE_HS_PER_MINER, MAX_MINER_COUNT};
use mining::costs::{HostingFees, Tariff};
use mining::projection::{PricePath, ProjectionParams, project, scenarios};
use mining::{CalcInput, calculate};
use proptest::prelude::*;

/// Relative closeness for figures that are equal in exact arithmetic.
fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()) + 1e-300
}

/// 10^x for x in a range: spreads magnitudes evenly instead of clustering at the top.
fn log_uniform(lo_exp: f64, hi_exp: f64) -> BoxedStrategy<f64> {
    (lo_exp..=hi_exp).prop_map(|e| 10f64.powf(e)).boxed()
}

/// A value in [min, max], with the bounds themselves often, to catch overflow at the edges.
fn bounded(min: f64, max: f64) -> BoxedStrategy<f64> {
    prop_oneof![1 => Just(min), 1 => Just(max), 6 => min..=max].boxed()
}

fn tariff() -> BoxedStrategy<Tariff> {
    prop_oneof![
        bounded(0.0, 0.5).prop_map(|usd_per_kwh| Tariff::Flat { usd_per_kwh }),
        prop::array::uniform24(bounded(0.0, 0.5))
            .prop_map(|hourly_usd_per_kwh| { Tariff::TimeOfUse { hourly_usd_per_kwh } }),
    ]
    .boxed()
}

fn hosting_fees() -> BoxedStrategy<HostingFees> {
    (bounded(0.0, 0.05), bounded(0.0, 100.0), bounded(0.0, 100.0))
        .prop_map(
            |(markup_usd_per_kwh, usd_per_miner_month, usd_per_kw_month)| HostingFees {
                markup_usd_per_kwh,
                usd_per_miner_month,
                usd_per_kw_month,
            },
        )
        .boxed()
}

prop_compose! {
    /// Any valid input, from realistic to the validation limits.
    fn valid_input()(
        hashrate_hs in log_uniform(9.0, 21.0).prop_map(|h| h.min(MAX_HASHRATE_HS_PER_MINER)),
        power_w in bounded(1.0, 1e6),
        count in prop_oneof![1 => Just(MAX_MINER_COUNT), 9 => 1u64..=10_000],
        difficulty in prop_oneof![1 => Just(1.0), 9 => log_uniform(0.0, 67.0)]
            .prop_map(|d| d.min(MAX_DIFFICULTY)),
        subsidy_btc in bounded(0.0, 50.0),
        fees_per_block_btc in bounded(0.0, 5.0),
        pool_fee_pct in bounded(0.0, 100.0),
        btc_price_usd in bounded(1.0, 1e9),
        network_hashrate_hs in prop::option::of(log_uniform(15.0, 30.0)),
        tariff in tariff(),
        pue in bounded(1.0, 3.0),
        uptime_pct in bounded(0.0, 100.0),
        maintenance_usd_month in bounded(0.0, 1e6),
        hosting in hosting_fees(),
        host_site_cost_usd_per_kwh in prop::option::of(bounded(0.0, 0.5)),
        investment_usd in bounded(0.0, 1e9),
    ) -> CalcInput {
        CalcInput {
            hashrate_hs,
            power_w,
            count,
            difficulty,
            subsidy_btc,
            fees_per_block_btc,
            pool_fee_pct,
            btc_price_usd,
            network_hashrate_hs,
            tariff,
            pue,
            uptime_pct,
            maintenance_usd_month,
            hosting,
            host_site_cost_usd_per_kwh,
            investment_usd,
        }
    }
}

prop_compose! {
    /// A realistic fleet, where paybacks sometimes happen within the horizon.
    fn realistic_input()(
        ths in 50.0..=500.0f64,
        j_th in 10.0..=40.0f64,
        count in 1u64..=200,
        difficulty in 5e13..=3e14f64,
        pool_fee_pct in 0.0..=4.0f64,
        btc_price_usd in 20_000.0..=200_000.0f64,
        usd_per_kwh in 0.02..=0.12f64,
        uptime_pct in 80.0..=100.0f64,
        maintenance_usd_month in 0.0..=500.0f64,
        investment_per_miner_usd in 0.0..=8_000.0f64,
    ) -> CalcInput {
        #[allow(clippy::cast_precision_loss)] // count ≤ 200
        let investment_usd = investment_per_miner_usd * count as f64;
        CalcInput {
            hashrate_hs: ths * 1e12,
            power_w: ths * j_th,
            count,
            difficulty,
            subsidy_btc: 3.125,
            fees_per_block_btc: 0.02,
            pool_fee_pct,
            btc_price_usd,
            network_hashrate_hs: None,
            tariff: Tariff::Flat { usd_per_kwh },
            pue: 1.05,
            uptime_pct,
            maintenance_usd_month,
            hosting: HostingFees::NONE,
            host_site_cost_usd_per_kwh: None,
            investment_usd,
        }
    }
}

fn price_path() -> BoxedStrategy<PricePath> {
    prop_oneof![
        Just(PricePath::Flat),
        bounded(-100.0, 100.0).prop_map(PricePath::PctPerMonth),
        prop::collection::vec(bounded(1.0, 1e9), 1..40).prop_map(PricePath::Scenario),
    ]
    .boxed()
}

prop_compose! {
    /// Any valid projection parameters, up to the validation limits.
    fn valid_params()(
        months in prop_oneof![1 => Just(120u32), 5 => 1u32..=60],
        difficulty_growth_pct_per_retarget in bounded(-75.0, 300.0),
        halving_difficulty_drop_pct in prop::option::of(bounded(0.0, 75.0)),
        start_height in prop_oneof![1 => Just(100_000_000u64), 9 => 0u64..=2_000_000],
        block_time_s in bounded(60.0, 3_600.0),
        price_path in price_path(),
        hashrate_decay_pct_per_month in bounded(0.0, 100.0),
        electricity_escalation_pct_per_month in bounded(-100.0, 100.0),
        resale_value_usd in bounded(0.0, 1e9),
        discount_rate_pct_per_year in bounded(0.0, 1_000.0),
    ) -> ProjectionParams {
        ProjectionParams {
            months,
            difficulty_growth_pct_per_retarget,
            halving_difficulty_drop_pct,
            start_height,
            block_time_s,
            price_path,
            hashrate_decay_pct_per_month,
            electricity_escalation_pct_per_month,
            resale_value_usd,
            discount_rate_pct_per_year,
        }
    }
}

/// Any f64 at all, with the troublesome ones made frequent.
fn wild_f64() -> BoxedStrategy<f64> {
    prop_oneof![
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(0.0),
        Just(-0.0),
        Just(f64::MAX),
        Just(f64::MIN),
        Just(f64::MIN_POSITIVE),
        any::<f64>(),
        -1e3..1e3f64,
        log_uniform(-10.0, 30.0),
    ]
    .boxed()
}

prop_compose! {
    fn wild_input()(
        floats in prop::collection::vec(wild_f64(), 16),
        hourly in prop::array::uniform24(wild_f64()),
        time_of_use in any::<bool>(),
        count in prop_oneof![Just(0u64), Just(u64::MAX), any::<u64>(), 1u64..100],
        network_known in any::<bool>(),
        site_known in any::<bool>(),
    ) -> CalcInput {
        let f = |i: usize| floats.get(i).copied().unwrap_or(f64::NAN);
        CalcInput {
            hashrate_hs: f(0),
            power_w: f(1),
            count,
            difficulty: f(2),
            subsidy_btc: f(3),
            fees_per_block_btc: f(4),
            pool_fee_pct: f(5),
            btc_price_usd: f(6),
            network_hashrate_hs: network_known.then(|| f(7)),
            tariff: if time_of_use {
                Tariff::TimeOfUse { hourly_usd_per_kwh: hourly }
            } else {
                Tariff::Flat { usd_per_kwh: f(8) }
            },
            pue: f(9),
            uptime_pct: f(10),
            maintenance_usd_month: f(11),
            hosting: HostingFees {
                markup_usd_per_kwh: f(12),
                usd_per_miner_month: f(13),
                usd_per_kw_month: f(14),
            },
            host_site_cost_usd_per_kwh: site_known.then(|| f(15)),
            investment_usd: f(15),
        }
    }
}

prop_compose! {
    fn wild_params()(
        floats in prop::collection::vec(wild_f64(), 8),
        months in prop_oneof![Just(0u32), Just(u32::MAX), 1u32..=130],
        start_height in prop_oneof![Just(u64::MAX), any::<u64>(), 0u64..2_000_000],
        path_kind in 0u8..4,
        scenario in prop::collection::vec(wild_f64(), 0..5),
        drop_known in any::<bool>(),
    ) -> ProjectionParams {
        let f = |i: usize| floats.get(i).copied().unwrap_or(f64::NAN);
        ProjectionParams {
            months,
            difficulty_growth_pct_per_retarget: f(0),
            halving_difficulty_drop_pct: drop_known.then(|| f(1)),
            start_height,
            block_time_s: f(2),
            price_path: match path_kind {
                0 => PricePath::Flat,
                1 => PricePath::PctPerMonth(f(3)),
                _ => PricePath::Scenario(scenario),
            },
            hashrate_decay_pct_per_month: f(4),
            electricity_escalation_pct_per_month: f(5),
            resale_value_usd: f(6),
            discount_rate_pct_per_year: f(7),
        }
    }
}

proptest! {
    #[test]
    fn revenue_is_linear_in_hashrate(
        input in valid_input(),
        base_hs in log_uniform(9.0, 18.0),
        factor in 1.0..=1000.0f64,
    ) {
        let one = calculate(&CalcInput { hashrate_hs: base_hs, ..input.clone() }).unwrap();
        let scaled = calculate(&CalcInput { hashrate_hs: base_hs * factor, ..input }).unwrap();
        prop_assert!(close(scaled.daily_btc, one.daily_btc * factor, 1e-12));
        prop_assert!(close(scaled.daily_revenue_usd, one.daily_revenue_usd * factor, 1e-12));
    }

    #[test]
    fn revenue_rises_with_price(input in valid_input(), a in 1.0..=1e9f64, b in 1.0..=1e9f64) {
        let (low, high) = (a.min(b), a.max(b));
        let at_low = calculate(&CalcInput { btc_price_usd: low, ..input.clone() }).unwrap();
        let at_high = calculate(&CalcInput { btc_price_usd: high, ..input }).unwrap();
        prop_assert!(at_low.daily_revenue_usd <= at_high.daily_revenue_usd);
        if at_low.daily_btc > 0.0 && low < high {
            prop_assert!(at_low.daily_revenue_usd < at_high.daily_revenue_usd);
        }
    }

    #[test]
    fn revenue_falls_with_difficulty(
        input in valid_input(),
        a in log_uniform(0.0, 30.0),
        b in log_uniform(0.0, 30.0),
    ) {
        let (low, high) = (a.min(b), a.max(b));
        let at_low = calculate(&CalcInput { difficulty: low, ..input.clone() }).unwrap();
        let at_high = calculate(&CalcInput { difficulty: high, ..input }).unwrap();
        prop_assert!(at_low.daily_revenue_usd >= at_high.daily_revenue_usd);
    }

    #[test]
    fn profit_is_revenue_minus_costs(input in valid_input()) {
        let f = calculate(&input).unwrap();
        prop_assert_eq!(
            f.daily_profit_usd,
            f.daily_revenue_usd - f.daily_electricity_usd - f.daily_other_costs_usd
        );
        prop_assert!(close(
            f.daily_other_costs_usd,
            f.daily_hosting_fees_usd + f.daily_maintenance_usd,
            1e-12
        ));
        // The hosting split's client side is the same profit, computed another way.
        if let Some(split) = f.hosting_split {
            let scale = f.daily_revenue_usd + f.daily_electricity_usd + f.daily_other_costs_usd;
            prop_assert!((split.client_profit_usd - f.daily_profit_usd).abs() <= 1e-12 * scale);
        }
    }

    #[test]
    fn valid_inputs_give_finite_figures(input in valid_input(), params in valid_params()) {
        prop_assert!(input.validate().is_empty());
        prop_assert!(params.validate().is_empty());
        let f = calculate(&input).unwrap();
        for value in [
            f.daily_btc, f.daily_revenue_usd, f.daily_electricity_usd, f.daily_other_costs_usd,
            f.daily_profit_usd, f.daily_energy_kwh, f.breakeven_electricity_usd_kwh,
            f.hashprice_usd_th_day, f.hashvalue_btc_th_day, f.hashcost_usd_th_day,
        ] {
            prop_assert!(value.is_finite(), "{f:?}");
        }
        let p = project(&input, &params).unwrap();
        prop_assert_eq!(p.months.len(), params.months as usize);
        for m in &p.months {
            prop_assert!(m.difficulty.is_finite() && m.difficulty >= 1.0, "{m:?}");
            prop_assert!(m.btc_mined.is_finite() && m.profit_usd.is_finite(), "{m:?}");
            prop_assert!(m.cumulative_profit_usd.is_finite(), "{m:?}");
        }
        prop_assert!(p.npv_usd.is_finite());
        if let Some(irr) = p.irr_pct_year {
            prop_assert!(irr.is_finite());
        }
    }

    #[test]
    fn payback_month_agrees_with_the_cumulative_series(
        input in realistic_input(),
        growth in -2.0..=5.0f64,
        price_pct in -5.0..=5.0f64,
        months in 1u32..=60,
    ) {
        let params = ProjectionParams {
            months,
            difficulty_growth_pct_per_retarget: growth,
            price_path: PricePath::PctPerMonth(price_pct),
            ..ProjectionParams::default()
        };
        let p = project(&input, &params).unwrap();
        let cumulative: Vec<f64> = p.months.iter().map(|m| m.cumulative_profit_usd).collect();
        // The series is −investment plus the running sum of monthly profit.
        let mut running = -input.investment_usd;
        for (m, c) in p.months.iter().zip(&cumulative) {
            running += m.profit_usd;
            prop_assert!(close(*c, running, 1e-9) || (c - running).abs() < 1e-6);
        }
        match p.payback_month {
            Some(month) => {
                let index = month as usize - 1;
                prop_assert!(cumulative[index] >= 0.0);
                prop_assert!(cumulative[..index].iter().all(|c| *c < 0.0));
            }
            None => prop_assert!(cumulative.iter().all(|c| *c < 0.0)),
        }
    }

    #[test]
    fn scenarios_keep_bear_at_or_below_bull(input in realistic_input()) {
        let s = scenarios(&input, &ProjectionParams::default()).unwrap();
        prop_assert!(s.bear.total_revenue_usd <= s.base.total_revenue_usd);
        prop_assert!(s.base.total_revenue_usd <= s.bull.total_revenue_usd);
    }

    #[test]
    fn validation_never_panics(input in wild_input(), params in wild_params()) {
        let errors = input.validate();
        let result = calculate(&input);
        // Valid exactly when the calculator succeeds.
        prop_assert_eq!(errors.is_empty(), result.is_ok());
        let param_errors = params.validate();
        let projection = project(&input, &params);
        prop_assert_eq!(errors.is_empty() && param_errors.is_empty(), projection.is_ok());
        let _ = breakevens(&input, &params);
    }
}
