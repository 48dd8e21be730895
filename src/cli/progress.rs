//! A progress bar on stderr (hidden when stderr is not a terminal), fed by
//! the library's [`Progress`] callbacks.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use newsdex::{Phase, Progress};

pub struct Bar {
    bar: ProgressBar,
}

impl Bar {
    pub fn new() -> Bar {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        Bar { bar }
    }
}

impl Progress for Bar {
    fn phase(&self, phase: Phase, total: Option<u64>) {
        match total {
            Some(total) => {
                self.bar.set_length(total);
                self.bar.set_position(0);
                self.bar.set_style(
                    ProgressStyle::with_template(
                        // The bar takes what the terminal's width leaves.
                        "{msg:>9} [{wide_bar}] {decimal_bytes}/{decimal_total_bytes} {decimal_bytes_per_sec} eta {eta}",
                    )
                    .expect("valid template")
                    .progress_chars("=> "),
                );
            }
            None => {
                self.bar
                    .set_style(ProgressStyle::with_template("{msg:>10} {spinner}").expect("valid template"));
                self.bar.enable_steady_tick(std::time::Duration::from_millis(120));
            }
        }
        self.bar.set_message(phase.as_str());
    }

    fn advance(&self, bytes: u64) {
        self.bar.inc(bytes);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
