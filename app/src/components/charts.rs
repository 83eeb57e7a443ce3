//! Small SVG charts, rendered on the server like the rest of the page (readable without
//! JavaScript) and re-rendered in the browser when inputs change.

use leptos::prelude::*;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 240.0;
const PAD: f64 = 8.0;

/// Maps values onto the chart's height, keeping zero visible.
#[derive(Debug, Clone, Copy)]
struct Scale {
    min: f64,
    max: f64,
}

impl Scale {
    fn of(values: impl Iterator<Item = f64>) -> Self {
        let (min, max) = values
            .filter(|v| v.is_finite())
            .fold((0.0_f64, 0.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let max = if (max - min).abs() < f64::EPSILON {
            min + 1.0
        } else {
            max
        };
        Self { min, max }
    }

    fn y(self, value: f64) -> f64 {
        PAD + (self.max - value) / (self.max - self.min) * (HEIGHT - 2.0 * PAD)
    }
}

#[allow(clippy::cast_precision_loss)] // month counts ≤ 120
fn x(index: usize, count: usize) -> f64 {
    if count <= 1 {
        return WIDTH / 2.0;
    }
    PAD + index as f64 / (count - 1) as f64 * (WIDTH - 2.0 * PAD)
}

/// Cumulative profit month by month against the zero line (the investment is recovered where
/// the line crosses it), with the payback month marked.
#[component]
pub fn CumulativeChart(
    #[prop(into)] values: Signal<Vec<f64>>,
    #[prop(into)] payback_month: Signal<Option<u32>>,
    #[prop(into)] label: Signal<String>,
) -> impl IntoView {
    let geometry = move || {
        let values = values.get();
        let scale = Scale::of(values.iter().copied());
        let points = values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", x(i, values.len()), scale.y(*v)))
            .collect::<Vec<_>>()
            .join(" ");
        let payback = payback_month.get().and_then(|month| {
            let i = usize::try_from(month).ok()?.checked_sub(1)?;
            Some((x(i, values.len()), scale.y(*values.get(i)?)))
        });
        (points, scale.y(0.0), payback)
    };
    view! {
        <svg
            class="chart"
            viewBox=format!("0 0 {WIDTH} {HEIGHT}")
            role="img"
            aria-label=move || label.get()
            preserveAspectRatio="none"
        >
            {move || {
                let (points, zero, payback) = geometry();
                view! {
                    <line class="chart-zero" x1="0" x2=WIDTH y1=zero y2=zero />
                    <polyline class="chart-line" points=points />
                    {payback
                        .map(|(px, py)| {
                            view! { <circle class="chart-marker" cx=px cy=py r="5" /> }
                        })}
                }
            }}
        </svg>
    }
}

/// Monthly profit as bars above (profit) or below (loss) the zero line.
#[component]
pub fn BarChart(
    #[prop(into)] values: Signal<Vec<f64>>,
    #[prop(into)] label: Signal<String>,
) -> impl IntoView {
    let bars = move || {
        let values = values.get();
        let scale = Scale::of(values.iter().copied());
        let zero = scale.y(0.0);
        #[allow(clippy::cast_precision_loss)] // ≤ 120 bars
        let width = (WIDTH - 2.0 * PAD) / values.len().max(1) as f64;
        values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let y = scale.y(*v);
                #[allow(clippy::cast_precision_loss)]
                let left = PAD + i as f64 * width;
                let class = if *v >= 0.0 {
                    "chart-bar"
                } else {
                    "chart-bar loss"
                };
                view! {
                    <rect
                        class=class
                        x=left
                        y=y.min(zero)
                        width=(width * 0.8).max(1.0)
                        height=(y - zero).abs().max(0.5)
                    />
                }
            })
            .collect_view()
    };
    view! {
        <svg
            class="chart"
            viewBox=format!("0 0 {WIDTH} {HEIGHT}")
            role="img"
            aria-label=move || label.get()
            preserveAspectRatio="none"
        >
            {bars}
        </svg>
    }
}
