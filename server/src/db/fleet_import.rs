//! Screening an import before it is written: which rows are invalid, name unknown customers or
//! models, or collide with a stored miner or an earlier row. Pure, so both engines share it and
//! it is tested without a database.

use std::collections::HashSet;

use domain::fleet::{InsertOutcome, MinerFieldError, NewMiner, UniqueField};

/// Values already taken in the database, among those the import carries.
#[derive(Debug, Default)]
pub struct Taken {
    /// Serials, IPs and MACs: in the import's site.
    pub serials: HashSet<String>,
    pub ips: HashSet<String>,
    pub macs: HashSet<String>,
    pub customer_ids: HashSet<i64>,
    pub asic_model_ids: HashSet<i64>,
}

/// Each row's outcome so far: `Some` when it is settled without writing, `None` for a row to
/// insert.
pub type Screening = Vec<Option<InsertOutcome>>;

/// The rows that pass their own checks (validation), before the database is asked anything.
pub fn validate(miners: &[NewMiner]) -> Screening {
    miners
        .iter()
        .map(|m| {
            m.validate()
                .err()
                .map(|error| InsertOutcome::Invalid { error })
        })
        .collect()
}

/// The values the database must be asked about: those of the rows still to insert.
pub fn candidates(miners: &[NewMiner], screening: &Screening) -> Taken {
    let mut wanted = Taken::default();
    for (miner, _) in pending(miners, screening) {
        wanted.serials.insert(miner.serial.clone());
        wanted.ips.insert(miner.ip.clone());
        wanted.macs.extend(miner.mac.clone());
        wanted.customer_ids.extend(miner.customer_id);
        wanted.asic_model_ids.extend(miner.asic_model_id);
    }
    wanted
}

fn pending<'a>(
    miners: &'a [NewMiner],
    screening: &'a Screening,
) -> impl Iterator<Item = (&'a NewMiner, usize)> {
    miners
        .iter()
        .zip(screening)
        .enumerate()
        .filter(|(_, (_, outcome))| outcome.is_none())
        .map(|(index, (miner, _))| (miner, index))
}

/// Settles every row still pending against `found` (what the database holds among the
/// candidates: values taken, customers and models that exist) and against the rows before it
/// that will be written: the first row to claim a value keeps it.
pub fn screen(miners: &[NewMiner], screening: &mut Screening, found: &Taken) {
    let mut serials = HashSet::new();
    let mut ips = HashSet::new();
    let mut macs = HashSet::new();
    for (index, miner) in miners.iter().enumerate() {
        if screening[index].is_some() {
            continue;
        }
        let refusal = if miner
            .customer_id
            .is_some_and(|id| !found.customer_ids.contains(&id))
        {
            Some(InsertOutcome::Invalid {
                error: MinerFieldError::UnknownCustomer,
            })
        } else if miner
            .asic_model_id
            .is_some_and(|id| !found.asic_model_ids.contains(&id))
        {
            Some(InsertOutcome::Invalid {
                error: MinerFieldError::UnknownModel,
            })
        } else {
            collision(miner, found, &serials, &ips, &macs)
                .map(|field| InsertOutcome::Duplicate { field })
        };
        if refusal.is_none() {
            serials.insert(miner.serial.as_str());
            ips.insert(miner.ip.as_str());
            if let Some(mac) = &miner.mac {
                macs.insert(mac.as_str());
            }
        }
        screening[index] = refusal;
    }
}

fn collision(
    miner: &NewMiner,
    taken: &Taken,
    serials: &HashSet<&str>,
    ips: &HashSet<&str>,
    macs: &HashSet<&str>,
) -> Option<UniqueField> {
    if taken.serials.contains(&miner.serial) || serials.contains(miner.serial.as_str()) {
        return Some(UniqueField::Serial);
    }
    if taken.ips.contains(&miner.ip) || ips.contains(miner.ip.as_str()) {
        return Some(UniqueField::Ip);
    }
    if let Some(mac) = &miner.mac
        && (taken.macs.contains(mac) || macs.contains(mac.as_str()))
    {
        return Some(UniqueField::Mac);
    }
    None
}

/// The field a row collides on with what the database now holds, for a row that another
/// writer beat to a value after the checks; the serial when nothing is found.
pub fn collision_field(miner: &NewMiner, taken: &Taken) -> UniqueField {
    collision(
        miner,
        taken,
        &HashSet::new(),
        &HashSet::new(),
        &HashSet::new(),
    )
    .unwrap_or(UniqueField::Serial)
}

/// The rows to write, by index.
pub fn to_insert(screening: &Screening) -> Vec<usize> {
    screening
        .iter()
        .enumerate()
        .filter_map(|(index, outcome)| outcome.is_none().then_some(index))
        .collect()
}

#[cfg(test)]
mod tests {
    use domain::fleet::MinerStatus;

    use super::*;

    fn row(serial: &str, ip: &str, mac: Option<&str>) -> NewMiner {
        NewMiner {
            customer_id: None,
            asic_model_id: None,
            model_name: "Antminer S21".into(),
            serial: serial.into(),
            ip: ip.into(),
            mac: mac.map(Into::into),
            rack: String::new(),
            status: MinerStatus::Active,
        }
    }

    #[test]
    fn the_first_row_claims_a_value_and_refused_rows_claim_nothing() {
        let rows = vec![
            row("A", "10.0.0.1", Some("aa:aa:aa:aa:aa:01")),
            row("A", "10.0.0.2", None), // serial of row 0
            row("B", "10.0.0.1", None), // ip of row 0
            row("C", "10.0.0.3", Some("aa:aa:aa:aa:aa:01")), // mac of row 0
            row("OLD", "10.0.0.4", None), // stored serial
            row("D", "10.0.0.2", None), // row 1 was refused: free
            row("E", "10.0.0.9", Some("bad")),
        ];
        let mut screening = validate(&rows);
        let found = Taken {
            serials: HashSet::from(["OLD".to_owned()]),
            ..Taken::default()
        };
        screen(&rows, &mut screening, &found);
        let dup = |field| Some(InsertOutcome::Duplicate { field });
        assert_eq!(
            screening,
            vec![
                None,
                dup(UniqueField::Serial),
                dup(UniqueField::Ip),
                dup(UniqueField::Mac),
                dup(UniqueField::Serial),
                None,
                Some(InsertOutcome::Invalid {
                    error: MinerFieldError::Mac
                }),
            ]
        );
        assert_eq!(to_insert(&screening), vec![0, 5]);
    }

    #[test]
    fn unknown_customers_and_models_are_reported_per_row() {
        let mut with_customer = row("A", "10.0.0.1", None);
        with_customer.customer_id = Some(7);
        let mut with_model = row("B", "10.0.0.2", None);
        with_model.asic_model_id = Some(3);
        let rows = vec![with_customer, with_model];
        let mut screening = validate(&rows);
        let wanted = candidates(&rows, &screening);
        assert_eq!(wanted.customer_ids, HashSet::from([7]));
        let found = Taken {
            asic_model_ids: HashSet::from([3]),
            ..Taken::default()
        };
        screen(&rows, &mut screening, &found);
        assert_eq!(
            screening,
            vec![
                Some(InsertOutcome::Invalid {
                    error: MinerFieldError::UnknownCustomer
                }),
                None
            ]
        );
    }
}
