//! Sites, customers and miners as people type them in the setup forms: text fields checked and
//! converted here, in pure functions, so the browser and the server agree on every rule and
//! the first bad field gets its own translated message.

use serde::{Deserialize, Serialize};

use crate::account::{bounded_label, normalise_email};
use crate::catalogue::AsicModel;
use crate::fleet::miner::{canonical_ip, canonical_mac};
use crate::fleet::{Customer, Miner, MinerStatus, NewMiner, NewSite, Site, Tariff, TariffError};
use crate::number::{parse_number as number, trim_number};
use crate::rejection::Rejection;

pub const MAX_SITE_NAME_CHARS: usize = 120;
pub const MAX_LOCATION_CHARS: usize = 200;
pub const MAX_CUSTOMER_NAME_CHARS: usize = 120;
/// The largest site we accept, MW: a slip (kW typed as MW) is refused, a real campus is not.
pub const MAX_CAPACITY_MW: f64 = 10_000.0;

/// The codes of the tariff kinds, as the form's select sends them.
pub const TARIFF_FLAT: &str = "flat";
pub const TARIFF_TIME_OF_USE: &str = "time_of_use";
pub const TARIFF_HOURLY: &str = "hourly";

/// A site as the setup form holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SiteForm {
    pub name: String,
    pub location: String,
    pub capacity_mw: String,
    /// The e-mail of the site-owner account that runs the site; empty for none.
    pub owner_email: String,
    /// [`TARIFF_FLAT`], [`TARIFF_TIME_OF_USE`] or [`TARIFF_HOURLY`]; only that kind's fields
    /// are read.
    pub tariff_kind: String,
    pub flat_usd_kwh: String,
    pub peak_usd_kwh: String,
    pub offpeak_usd_kwh: String,
    pub peak_start_hour: String,
    pub peak_end_hour: String,
    /// 24 prices from 00:00, separated by spaces, semicolons, commas or new lines.
    pub hourly_usd_kwh: String,
}

/// A checked site form: the site (without its owner) and the owner's e-mail, which only the
/// server can turn into an account.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedSite {
    pub site: NewSite,
    pub owner_email: Option<String>,
}

impl SiteForm {
    /// The form of a stored site, for editing it.
    pub fn of(site: &Site, owner_email: Option<&str>) -> Self {
        let mut form = Self {
            name: site.name.clone(),
            location: site.location.clone(),
            capacity_mw: trim_number(site.capacity_mw),
            owner_email: owner_email.unwrap_or_default().to_owned(),
            ..Self::default()
        };
        match &site.tariff {
            Tariff::Flat { usd_kwh } => {
                form.tariff_kind = TARIFF_FLAT.into();
                form.flat_usd_kwh = trim_number(*usd_kwh);
            }
            Tariff::TimeOfUse {
                peak_usd_kwh,
                offpeak_usd_kwh,
                peak_start_hour,
                peak_end_hour,
            } => {
                form.tariff_kind = TARIFF_TIME_OF_USE.into();
                form.peak_usd_kwh = trim_number(*peak_usd_kwh);
                form.offpeak_usd_kwh = trim_number(*offpeak_usd_kwh);
                form.peak_start_hour = peak_start_hour.to_string();
                form.peak_end_hour = peak_end_hour.to_string();
            }
            Tariff::Hourly { usd_kwh } => {
                form.tariff_kind = TARIFF_HOURLY.into();
                form.hourly_usd_kwh = usd_kwh
                    .iter()
                    .map(|p| trim_number(*p))
                    .collect::<Vec<_>>()
                    .join(" ");
            }
        }
        form
    }

    /// An empty form for a new site: a flat tariff, nothing else filled.
    pub fn blank() -> Self {
        Self {
            tariff_kind: TARIFF_FLAT.into(),
            ..Self::default()
        }
    }

    /// Checks every field; the first bad one is named.
    pub fn parse(&self) -> Result<ParsedSite, Rejection> {
        let name =
            bounded_label(&self.name, MAX_SITE_NAME_CHARS).ok_or(Rejection::SiteNameInvalid)?;
        let location = self.location.trim();
        if location.chars().count() > MAX_LOCATION_CHARS || location.chars().any(char::is_control) {
            return Err(Rejection::LocationInvalid);
        }
        let capacity_mw = number(&self.capacity_mw)
            .filter(|mw| (0.0..=MAX_CAPACITY_MW).contains(mw))
            .ok_or(Rejection::CapacityInvalid)?;
        let owner_email = match self.owner_email.trim() {
            "" => None,
            text => Some(normalise_email(text).ok_or(Rejection::SiteOwnerInvalid)?),
        };
        let tariff = self.tariff()?;
        Ok(ParsedSite {
            site: NewSite {
                name,
                location: location.to_owned(),
                capacity_mw,
                tariff,
                owner_user_id: None,
            },
            owner_email,
        })
    }

    fn tariff(&self) -> Result<Tariff, Rejection> {
        let price = |text: &str| number(text).unwrap_or(f64::NAN);
        let hour = |text: &str| {
            text.trim()
                .parse::<u8>()
                .map_err(|_| Rejection::TariffHourInvalid)
        };
        let tariff = match self.tariff_kind.trim() {
            TARIFF_FLAT => Tariff::Flat {
                usd_kwh: price(&self.flat_usd_kwh),
            },
            TARIFF_TIME_OF_USE => Tariff::TimeOfUse {
                peak_usd_kwh: price(&self.peak_usd_kwh),
                offpeak_usd_kwh: price(&self.offpeak_usd_kwh),
                peak_start_hour: hour(&self.peak_start_hour)?,
                peak_end_hour: hour(&self.peak_end_hour)?,
            },
            TARIFF_HOURLY => {
                let prices: Vec<&str> = self
                    .hourly_usd_kwh
                    .split(|c: char| c == ';' || c == ',' || c.is_whitespace())
                    .filter(|p| !p.is_empty())
                    .collect();
                Tariff::Hourly {
                    usd_kwh: prices.into_iter().map(price).collect(),
                }
            }
            _ => return Err(Rejection::TariffKindInvalid),
        };
        tariff.validate().map_err(|err| match err {
            TariffError::Price => Rejection::TariffPriceInvalid,
            TariffError::Hour => Rejection::TariffHourInvalid,
            TariffError::EmptyPeak => Rejection::TariffPeakEmpty,
            TariffError::HourCount(_) => Rejection::TariffHourCount,
        })?;
        Ok(tariff)
    }
}

/// A hosting customer as the setup form holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CustomerForm {
    pub name: String,
    /// Where the host writes to the customer; empty for none.
    pub contact_email: String,
    /// The e-mail of the client account that signs in to the portal for this customer; empty
    /// for none.
    pub portal_email: String,
}

/// A checked customer form; the portal account is still an e-mail for the server to look up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedCustomer {
    pub name: String,
    pub contact_email: Option<String>,
    pub portal_email: Option<String>,
}

impl CustomerForm {
    pub fn of(customer: &Customer, portal_email: Option<&str>) -> Self {
        Self {
            name: customer.name.clone(),
            contact_email: customer.contact_email.clone().unwrap_or_default(),
            portal_email: portal_email.unwrap_or_default().to_owned(),
        }
    }

    pub fn parse(&self) -> Result<ParsedCustomer, Rejection> {
        let name = bounded_label(&self.name, MAX_CUSTOMER_NAME_CHARS)
            .ok_or(Rejection::CustomerNameInvalid)?;
        let optional_email = |text: &str, refusal: Rejection| match text.trim() {
            "" => Ok(None),
            text => normalise_email(text).map(Some).ok_or(refusal),
        };
        Ok(ParsedCustomer {
            name,
            contact_email: optional_email(&self.contact_email, Rejection::EmailInvalid)?,
            portal_email: optional_email(&self.portal_email, Rejection::PortalAccountInvalid)?,
        })
    }
}

/// A miner as the add and edit forms hold it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MinerForm {
    /// A catalogue model's name.
    pub model_name: String,
    pub serial: String,
    pub ip: String,
    /// Empty for unknown.
    pub mac: String,
    pub rack: String,
    /// `active`, `maintenance` or `retired`.
    pub status: String,
    /// The customer's id; empty for a miner that is the host's own.
    pub customer_id: String,
}

impl MinerForm {
    pub fn of(miner: &Miner) -> Self {
        Self {
            model_name: miner.model_name.clone(),
            serial: miner.serial.clone(),
            ip: miner.ip.clone(),
            mac: miner.mac.clone().unwrap_or_default(),
            rack: miner.rack.clone(),
            status: miner.status.code().to_owned(),
            customer_id: miner
                .customer_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
        }
    }

    pub fn blank() -> Self {
        Self {
            status: MinerStatus::Active.code().to_owned(),
            ..Self::default()
        }
    }

    /// Checks every field against the catalogue `models`; the customer id is only parsed here
    /// (whether the caller may name that customer is the server's question).
    pub fn parse(&self, models: &[AsicModel]) -> Result<NewMiner, Rejection> {
        let model = models
            .iter()
            .find(|m| m.name.eq_ignore_ascii_case(self.model_name.trim()))
            .ok_or(Rejection::MinerModelInvalid)?;
        let ip = canonical_ip(&self.ip).ok_or(Rejection::MinerIpInvalid)?;
        let mac = match self.mac.trim() {
            "" => None,
            text => Some(canonical_mac(text).ok_or(Rejection::MinerMacInvalid)?),
        };
        let status =
            MinerStatus::from_code(self.status.trim()).ok_or(Rejection::MinerStatusInvalid)?;
        let customer_id = match self.customer_id.trim() {
            "" => None,
            text => Some(
                text.parse::<i64>()
                    .map_err(|_| Rejection::MinerCustomerInvalid)?,
            ),
        };
        let miner = NewMiner {
            customer_id,
            asic_model_id: Some(model.asic_model_id),
            model_name: model.name.clone(),
            serial: self.serial.trim().to_owned(),
            ip,
            mac,
            rack: self.rack.trim().to_owned(),
            status,
        };
        miner.validate().map_err(miner_field_rejection)?;
        Ok(miner)
    }
}

/// The form's message for a field the miner rules refused.
pub const fn miner_field_rejection(error: crate::fleet::MinerFieldError) -> Rejection {
    use crate::fleet::MinerFieldError as E;
    match error {
        E::ModelName | E::UnknownModel => Rejection::MinerModelInvalid,
        E::Serial => Rejection::MinerSerialInvalid,
        E::Ip => Rejection::MinerIpInvalid,
        E::Mac => Rejection::MinerMacInvalid,
        E::Rack => Rejection::MinerRackInvalid,
        E::UnknownCustomer => Rejection::MinerCustomerInvalid,
    }
}

/// The form's message for a value another miner holds.
pub const fn taken_rejection(field: crate::fleet::UniqueField) -> Rejection {
    use crate::fleet::UniqueField as F;
    match field {
        F::Serial => Rejection::SerialTaken,
        F::Ip => Rejection::IpTaken,
        F::Mac => Rejection::MacTaken,
    }
}

/// Which unique value a refused miner write collided on, from the database's constraint name
/// (PostgreSQL: `miner_site_id_serial_key`, `miner_site_id_ip_key`, `miner_site_mac`) or message
/// (SQLite: `UNIQUE constraint failed: miner.site_id, miner.serial`); `None` for any other
/// conflict. Each is unique within a site only, so a refusal speaks of the caller's own site.
pub fn taken_field(constraint: &str) -> Option<crate::fleet::UniqueField> {
    use crate::fleet::UniqueField as F;
    let text = constraint.to_ascii_lowercase();
    if text.contains("serial") {
        Some(F::Serial)
    } else if text.contains("mac") {
        Some(F::Mac)
    } else if text.contains(".ip") || text.contains("_ip") {
        Some(F::Ip)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Cooling;
    use crate::fleet::UniqueField;

    fn rockdale() -> SiteForm {
        SiteForm {
            name: "  Rockdale  ".into(),
            location: "Texas".into(),
            capacity_mw: "1,200".into(),
            owner_email: " Host@Example.COM ".into(),
            tariff_kind: TARIFF_TIME_OF_USE.into(),
            peak_usd_kwh: "0.12".into(),
            offpeak_usd_kwh: "0.04".into(),
            peak_start_hour: "18".into(),
            peak_end_hour: "2".into(),
            ..SiteForm::default()
        }
    }

    fn s21() -> AsicModel {
        AsicModel {
            asic_model_id: 7,
            name: "Antminer S21".into(),
            manufacturer: "Bitmain".into(),
            hashrate_hs: 200e12,
            power_w: 3_500.0,
            cooling: Cooling::Air,
            release_date: None,
            price_usd: None,
        }
    }

    fn miner_form() -> MinerForm {
        MinerForm {
            model_name: "antminer s21".into(),
            serial: " SN-1 ".into(),
            ip: " 10.0.0.7 ".into(),
            mac: "AA-BB-CC-00-11-22".into(),
            rack: " R1-03 ".into(),
            status: "maintenance".into(),
            customer_id: "12".into(),
        }
    }

    #[test]
    fn a_site_form_becomes_a_site() {
        let parsed = rockdale().parse().unwrap();
        assert_eq!(parsed.site.name, "Rockdale");
        assert!((parsed.site.capacity_mw - 1_200.0).abs() < 1e-9);
        assert_eq!(parsed.owner_email.as_deref(), Some("host@example.com"));
        assert_eq!(
            parsed.site.tariff,
            Tariff::TimeOfUse {
                peak_usd_kwh: 0.12,
                offpeak_usd_kwh: 0.04,
                peak_start_hour: 18,
                peak_end_hour: 2,
            }
        );
    }

    #[test]
    fn every_tariff_kind_survives_the_form_both_ways() {
        // Prices as people type them (the form shows six decimals, more than any tariff has).
        let hourly: Vec<f64> = (0..24)
            .map(|h| format!("0.{:03}", 30 + h).parse().unwrap())
            .collect();
        for tariff in [
            Tariff::Flat { usd_kwh: 0.045 },
            Tariff::TimeOfUse {
                peak_usd_kwh: 0.2,
                offpeak_usd_kwh: 0.05,
                peak_start_hour: 7,
                peak_end_hour: 22,
            },
            Tariff::Hourly { usd_kwh: hourly },
        ] {
            let site = Site {
                site_id: 1,
                name: "A".into(),
                location: String::new(),
                capacity_mw: 2.5,
                tariff: tariff.clone(),
                owner_user_id: None,
                created_at_ms: 0,
                updated_at_ms: 0,
            };
            let parsed = SiteForm::of(&site, None).parse().unwrap();
            assert_eq!(parsed.site.tariff, tariff);
            assert_eq!(parsed.owner_email, None);
        }
    }

    #[test]
    fn hourly_prices_may_be_pasted_from_a_spreadsheet_row() {
        let form = SiteForm {
            tariff_kind: TARIFF_HOURLY.into(),
            hourly_usd_kwh: vec!["0.05"; 24].join("\t"),
            ..rockdale()
        };
        assert_eq!(
            form.parse().unwrap().site.tariff,
            Tariff::Hourly {
                usd_kwh: vec![0.05; 24]
            }
        );
    }

    #[test]
    fn each_bad_site_field_is_named() {
        type Spoil = fn(&mut SiteForm);
        let cases: [(Spoil, Rejection); 11] = [
            (|f| f.name = " ".into(), Rejection::SiteNameInvalid),
            (|f| f.name = "x".repeat(121), Rejection::SiteNameInvalid),
            (
                |f| f.location = "a\u{7}b".into(),
                Rejection::LocationInvalid,
            ),
            (|f| f.capacity_mw = "-1".into(), Rejection::CapacityInvalid),
            (
                |f| f.capacity_mw = "20000".into(),
                Rejection::CapacityInvalid,
            ),
            (
                |f| f.owner_email = "nobody".into(),
                Rejection::SiteOwnerInvalid,
            ),
            (
                |f| f.tariff_kind = "spot".into(),
                Rejection::TariffKindInvalid,
            ),
            (
                |f| f.peak_usd_kwh = "twelve".into(),
                Rejection::TariffPriceInvalid,
            ),
            (
                |f| f.peak_start_hour = "24".into(),
                Rejection::TariffHourInvalid,
            ),
            (
                |f| f.peak_end_hour = "18".into(),
                Rejection::TariffPeakEmpty,
            ),
            (
                |f| {
                    f.tariff_kind = TARIFF_HOURLY.into();
                    f.hourly_usd_kwh = "0.05 0.06".into();
                },
                Rejection::TariffHourCount,
            ),
        ];
        for (spoil, expected) in cases {
            let mut form = rockdale();
            spoil(&mut form);
            assert_eq!(form.parse(), Err(expected), "{form:?}");
        }
    }

    #[test]
    fn a_customer_form_normalises_its_addresses() {
        let parsed = CustomerForm {
            name: " Acme Hosting ".into(),
            contact_email: "Ops@Acme.io".into(),
            portal_email: String::new(),
        }
        .parse()
        .unwrap();
        assert_eq!(parsed.name, "Acme Hosting");
        assert_eq!(parsed.contact_email.as_deref(), Some("ops@acme.io"));
        assert_eq!(parsed.portal_email, None);
        let bad = |form: CustomerForm| form.parse().unwrap_err();
        let named = |name: &str| CustomerForm {
            name: name.into(),
            ..CustomerForm::default()
        };
        assert_eq!(bad(named("")), Rejection::CustomerNameInvalid);
        assert_eq!(
            bad(CustomerForm {
                contact_email: "no-at".into(),
                ..named("A")
            }),
            Rejection::EmailInvalid
        );
        assert_eq!(
            bad(CustomerForm {
                portal_email: "no-at".into(),
                ..named("A")
            }),
            Rejection::PortalAccountInvalid
        );
    }

    #[test]
    fn a_miner_form_becomes_a_canonical_miner_of_the_catalogue() {
        let miner = miner_form().parse(&[s21()]).unwrap();
        assert_eq!(miner.model_name, "Antminer S21");
        assert_eq!(miner.asic_model_id, Some(7));
        assert_eq!(miner.serial, "SN-1");
        assert_eq!(miner.ip, "10.0.0.7");
        assert_eq!(miner.mac.as_deref(), Some("aa:bb:cc:00:11:22"));
        assert_eq!(miner.rack, "R1-03");
        assert_eq!(miner.status, MinerStatus::Maintenance);
        assert_eq!(miner.customer_id, Some(12));
    }

    #[test]
    fn each_bad_miner_field_is_named() {
        type Spoil = fn(&mut MinerForm);
        let cases: [(Spoil, Rejection); 7] = [
            (|f| f.model_name = "S9".into(), Rejection::MinerModelInvalid),
            (|f| f.serial = "SN 1".into(), Rejection::MinerSerialInvalid),
            (|f| f.ip = "10.0.0.300".into(), Rejection::MinerIpInvalid),
            (|f| f.mac = "aa:bb".into(), Rejection::MinerMacInvalid),
            (|f| f.rack = "r".repeat(41), Rejection::MinerRackInvalid),
            (
                |f| f.status = "sleeping".into(),
                Rejection::MinerStatusInvalid,
            ),
            (
                |f| f.customer_id = "acme".into(),
                Rejection::MinerCustomerInvalid,
            ),
        ];
        for (spoil, expected) in cases {
            let mut form = miner_form();
            spoil(&mut form);
            assert_eq!(form.parse(&[s21()]), Err(expected), "{form:?}");
        }
    }

    #[test]
    fn a_stored_miner_reads_back_into_the_same_miner() {
        let new = miner_form().parse(&[s21()]).unwrap();
        let stored = Miner {
            miner_id: 1,
            site_id: 2,
            customer_id: new.customer_id,
            asic_model_id: new.asic_model_id,
            model_name: new.model_name.clone(),
            serial: new.serial.clone(),
            ip: new.ip.clone(),
            mac: new.mac.clone(),
            rack: new.rack.clone(),
            status: new.status,
            approval: crate::fleet::Approval::Approved,
            approval_note: None,
            approved_by_user_id: None,
            created_at_ms: 0,
            updated_at_ms: 0,
        };
        assert_eq!(MinerForm::of(&stored).parse(&[s21()]), Ok(new));
    }

    #[test]
    fn the_colliding_value_is_read_from_either_engine() {
        for (constraint, field) in [
            ("miner_serial_key", Some(UniqueField::Serial)),
            (
                "UNIQUE constraint failed: miner.serial",
                Some(UniqueField::Serial),
            ),
            ("miner_site_id_ip_key", Some(UniqueField::Ip)),
            (
                "UNIQUE constraint failed: miner.site_id, miner.ip",
                Some(UniqueField::Ip),
            ),
            ("miner_mac", Some(UniqueField::Mac)),
            (
                "UNIQUE constraint failed: miner.mac",
                Some(UniqueField::Mac),
            ),
            // unique within a site since issue #19
            ("miner_site_id_serial_key", Some(UniqueField::Serial)),
            (
                "UNIQUE constraint failed: miner.site_id, miner.serial",
                Some(UniqueField::Serial),
            ),
            ("miner_site_mac", Some(UniqueField::Mac)),
            (
                "UNIQUE constraint failed: miner.site_id, miner.mac",
                Some(UniqueField::Mac),
            ),
            ("FOREIGN KEY constraint failed", None),
        ] {
            assert_eq!(taken_field(constraint), field, "{constraint}");
        }
    }
}
