"""
==================================================================
Doctor visits: a hurdle model and its rootogram vs a Poisson fit
==================================================================

How often do people see a doctor in a year? Counts like these have two
features a Poisson regression cannot reproduce: many people never go (the zeros
come from a separate decision, whether to seek care at all), and among those
who go the number of visits varies far more than its mean (overdispersion).

A hurdle model separates the two: a logistic (binary cross-entropy) model for
crossing the hurdle, :math:`P(y > 0)`, and a zero-truncated negative binomial
for the number of visits of those who cross it. :class:`skbce.HurdleRegressor`
fits both; :class:`skbce.display.RootogramDisplay` shows, count by count,
where each model's expected frequencies miss the observed ones. The data are
simulated in the style of the health-care survey data of Deb and Trivedi
(1997): age, number of chronic conditions and private insurance.
"""

# %%
# Simulated survey: 3,000 people.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy.special import expit
from scipy.stats import nbinom, poisson
from sklearn.linear_model import PoissonRegressor

from skbce import HurdleRegressor
from skbce.display import RootogramDisplay

rng = np.random.default_rng(0)
n = 3000
X = pd.DataFrame(
    {
        "age": rng.uniform(6.6, 10.9, size=n),  # in decades, as in the survey
        "chronic": rng.poisson(1.5, size=n),
        "insured": rng.binomial(1, 0.75, size=n),
    }
)
# Whether to go at all: more likely with chronic conditions and insurance.
goes = rng.random(n) < expit(-2.0 + 0.1 * X.age + 0.6 * X.chronic + 0.8 * X.insured)
# How often, if at all: a zero-truncated negative binomial (size 1.2).
mean = np.exp(0.3 + 0.05 * X.age + 0.25 * X.chronic + 0.2 * X.insured)
size = 1.2
visits = np.zeros(n, dtype=int)
for i in np.flatnonzero(goes):
    draw = 0
    while draw == 0:  # truncate at zero by rejection
        draw = nbinom.rvs(size, size / (size + mean[i]), random_state=rng)
    visits[i] = draw
print(
    f"zeros: {np.mean(visits == 0):.0%}, mean {visits.mean():.2f}, "
    f"variance {visits.var():.2f}, max {visits.max()}"
)

# %%
# The hurdle model: both parts with standard errors, as R's pscl prints them.
hurdle = HurdleRegressor(count_model="negbin").fit(X, visits)
print(hurdle.summary())

# %%
# The plain Poisson regression, for comparison.
poisson_glm = PoissonRegressor(alpha=0, solver="newton-cholesky").fit(X, visits)
glm_mean = poisson_glm.predict(X)
glm_loglik = poisson.logpmf(visits, glm_mean).sum()
print(
    f"log-likelihood: Poisson {glm_loglik:.1f} (4 parameters), "
    f"hurdle {hurdle.loglik_:.1f} (9 parameters)"
)
print(
    f"zeros: observed {np.sum(visits == 0)}, Poisson expects "
    f"{np.exp(-glm_mean).sum():.0f}, hurdle {hurdle.predict_zero_proba(X).sum():.0f}"
)

# %%
# Hanging rootograms: each bar is the square root of an observed frequency,
# hanging from the square root of the expected one (the curve). A bar ending
# below zero means the model expects too few of that count, above zero too many.
# The Poisson fit expects far too few zeros (the bar hangs deep below zero) and
# too few large counts, and too many of the small counts 1 to 6 in between; the
# hurdle model's bars all end near zero.
max_count = 15
fig, (ax_poisson, ax_hurdle) = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
RootogramDisplay.from_predictions(
    visits,
    poisson.pmf(np.arange(max_count + 1), glm_mean[:, None]),
    name="Poisson",
    ax=ax_poisson,
)
RootogramDisplay.from_estimator(
    hurdle, X, visits, max_count=max_count, name="hurdle NB", ax=ax_hurdle
)
ax_poisson.set_title("Poisson regression")
ax_hurdle.set_title("hurdle: logistic + truncated negative binomial")
fig.tight_layout()
plt.show()
