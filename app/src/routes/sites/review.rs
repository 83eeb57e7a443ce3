//! The approval workflow on the miner table: tick miners, choose a step (submit for review,
//! approve, reject with a reason, back to draft) and apply it. The ticks live outside the
//! table, so a live refresh does not lose them; the table stops refreshing while any are
//! ticked, so the rows under the operator's hand do not move.

use std::collections::BTreeSet;

use leptos::prelude::*;

use crate::api::fleet::{MAX_REVIEW_NOTE_CHARS, ReviewMiners};
use crate::components::error_view::Refusal;
use crate::fleet::{Approval, ApprovalReport};
use crate::i18n::{Locale, t, t_string, use_i18n};
use leptos_i18n::I18nContext;

/// The review tools of one page: the action and the ticked miners.
#[derive(Clone, Copy)]
pub(crate) struct Review {
    pub action: ServerAction<ReviewMiners>,
    pub ticked: RwSignal<BTreeSet<i64>>,
}

impl Review {
    pub fn new() -> Self {
        Self {
            action: ServerAction::<ReviewMiners>::new(),
            ticked: RwSignal::new(BTreeSet::new()),
        }
    }
}

/// The workflow's name for a state, as the table shows it.
pub(crate) fn approval_text(i18n: I18nContext<Locale>, approval: Approval) -> &'static str {
    match approval {
        Approval::Draft => t_string!(i18n, review_state_draft),
        Approval::Pending => t_string!(i18n, review_state_pending),
        Approval::Approved => t_string!(i18n, review_state_approved),
        Approval::Rejected => t_string!(i18n, review_state_rejected),
    }
}

/// The tick box of one row, tied to the form below the table (a plain form post without
/// WASM sends the ticked ids as `miner_ids[]`).
#[component]
pub(crate) fn ReviewTick(review: Review, miner_id: i64, serial: String) -> impl IntoView {
    let i18n = use_i18n();
    let ticked = review.ticked;
    let label = move || format!("{} {serial}", t_string!(i18n, review_tick));
    view! {
        <td class="tick">
            <input type="checkbox" name="miner_ids[]" value=miner_id.to_string() form="miner-review"
                aria-label=label
                prop:checked=move || ticked.with(|t| t.contains(&miner_id))
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    ticked.update(|t| {
                        if on {
                            t.insert(miner_id);
                        } else {
                            t.remove(&miner_id);
                        }
                    });
                } />
        </td>
    }
}

/// The step to take and its note, for the ticked miners of `site_id`, and what the last step
/// did.
#[component]
pub(crate) fn ReviewForm(review: Review, site_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let Review { action, ticked } = review;
    let count = move || ticked.with(BTreeSet::len);
    let outcome = move || {
        action.value().get().map(|answer| match answer {
            Ok(report) => view! { <ReviewOutcome report /> }.into_any(),
            Err(error) => view! { <Refusal error /> }.into_any(),
        })
    };
    // A step that went through clears the ticks (the table then refreshes); a refused one
    // keeps them, to correct and try again.
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(_))) {
            ticked.set(BTreeSet::new());
        }
    });
    view! {
        <ActionForm action attr:id="miner-review" attr:class="review-form">
            <input type="hidden" name="site_id" value=site_id.to_string() />
            <span class="muted" id="review-ticked">
                {move || {
                    let count = count();
                    view! { {t!(i18n, review_ticked, count)} }
                }}
            </span>
            <label>
                {t!(i18n, review_step)}
                <select name="step" id="review-step">
                    <option value="pending">{t!(i18n, review_submit)}</option>
                    <option value="approved">{t!(i18n, review_approve)}</option>
                    <option value="rejected">{t!(i18n, review_reject)}</option>
                    <option value="draft">{t!(i18n, review_back_to_draft)}</option>
                </select>
            </label>
            <input type="text" name="note" id="review-note" maxlength=MAX_REVIEW_NOTE_CHARS.to_string()
                aria-label=move || t_string!(i18n, review_note)
                placeholder=move || t_string!(i18n, review_note) />
            <button type="submit" class="button" id="review-apply"
                disabled=move || action.pending().get()>
                {t!(i18n, review_apply)}
            </button>
        </ActionForm>
        <div id="review-outcome" aria-live="polite">{outcome}</div>
    }
}

#[component]
fn ReviewOutcome(report: ApprovalReport) -> impl IntoView {
    let i18n = use_i18n();
    let moved = report.moved.len();
    let refused = report.refused.len();
    let left = (refused > 0).then(|| {
        view! { " " <span class="warning">{t!(i18n, review_left, count = refused)}</span> }
    });
    view! {
        <p data-moved=moved.to_string() data-refused=refused.to_string()>
            {t!(i18n, review_moved, count = moved)}
            {left}
        </p>
    }
}
