"""
=====================================================================
Publishing a count model: hurdle vs zero-inflated on bioChemists
=====================================================================

Why do some PhD students publish no article at all, and what drives how many
the others publish? Long (1990) studied 915 biochemistry students: gender,
marriage, young children, the prestige of the PhD department and the
productivity of the mentor. 30% of them published nothing, and the counts are
overdispersed, so a Poisson regression is out of the question. Two models are
in use for such data:

- a **hurdle** model (:class:`skbce.HurdleRegressor`): one decision, publish or
  not (a logistic model of :math:`P(y > 0)`), then how many for those who do
  (a zero-truncated negative binomial);
- a **zero-inflated** model (:class:`skbce.ZeroInflatedRegressor`): some
  students never publish ("structural" zeros, a logistic model of their share
  :math:`\\pi`), the others publish a negative binomial number of articles,
  which can also be zero.

This example fits both as an applied paper reports them: robust standard
errors, average marginal effects with confidence intervals, a Vuong test
between the non-nested models, and rootograms of the fit.
"""

# %%
# The data
# --------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import KFold, cross_val_score

from skbce import HurdleRegressor, ZeroInflatedRegressor
from skbce.datasets import load_biochemists
from skbce.display import RootogramDisplay
from skbce.inference import information_criteria, likelihood_ratio_test, vuong_test
from skbce.metrics import count_log_likelihood_scorer

X, y = load_biochemists(return_X_y=True, as_frame=True)
print(
    f"{len(y)} students, {np.mean(y == 0):.0%} without article, mean "
    f"{y.mean():.2f} articles, variance {y.var():.2f}"
)

# %%
# Four candidate models
# ---------------------
# Poisson and negative binomial versions of both models, with
# heteroscedasticity-robust (HC0, "sandwich") standard errors: they stay valid
# when the count distribution is misspecified. The table of information
# criteria ranks them; the negative binomial versions win by more than 50
# points of log-likelihood, for one parameter (theta).
models = {
    "zero-inflated NB": ZeroInflatedRegressor(count_model="negbin", cov_type="HC0"),
    "hurdle NB": HurdleRegressor(count_model="negbin", cov_type="HC0"),
    "zero-inflated Poisson": ZeroInflatedRegressor(cov_type="HC0"),
    "hurdle Poisson": HurdleRegressor(cov_type="HC0"),
}
for model in models.values():
    model.fit(X, y)
print(information_criteria(models).round(1))

# %%
# The likelihood-ratio test of the Poisson hurdle against the negative binomial
# one (theta on the boundary of its space: halve the chi-squared p-value):
lr = likelihood_ratio_test(models["hurdle Poisson"], models["hurdle NB"], X, y)
print(f"LR = {lr.statistic:.1f} on {lr.df} df, p = {lr.p_value / 2:.2g}")

# %%
# Hurdle or zero-inflation? Vuong's test
# --------------------------------------
# The two negative binomial models are not nested, so their likelihoods are
# compared by Vuong's test (positive values favour the first model). The raw
# statistic and its AIC- and BIC-corrected versions (equal here: both models
# have 13 parameters) are small: the data do not tell the two stories apart,
# and the choice between them is a substantive one.
zinb, hurdle = models["zero-inflated NB"], models["hurdle NB"]
vuong = vuong_test(zinb, hurdle, X, y)
print(vuong.table().round(3))

# %%
# The held-out log-likelihood agrees: per student, on five shuffled folds,
# the two negative binomial models are within a hundredth of each other, both
# well ahead of the Poisson ones.
cv = KFold(5, shuffle=True, random_state=0)
for name, model in models.items():
    heldout = cross_val_score(model, X, y, cv=cv, scoring=count_log_likelihood_scorer)
    print(f"{name:>22}: held-out log-likelihood {heldout.mean():.3f} per student")

# %%
# Coefficients with robust standard errors
# ----------------------------------------
# The zero-inflated model's summary, as pscl prints it. The count part's
# coefficients are log rate ratios; the inflation part models the probability
# of never publishing. A more productive mentor raises the expected number of
# articles of the students who publish and lowers the chance of being a
# structural zero.
print(zinb.summary())

# %%
# Average marginal effects
# ------------------------
# Coefficients of the two parts are on different scales, and ``kid5`` or
# ``ment`` enter both. What a reader wants is the effect on the expected number
# of articles, averaged over the students: the average marginal effect (AME),
# with a delta-method standard error from the robust covariance. On this scale
# the two models agree on gender, marriage, children and prestige, although
# their coefficients differ. They disagree on the mentor: in the zero-inflated
# model a productive mentor also makes a structural zero unlikely (inflation
# coefficient -0.88), so the effect of one more mentor article is half again as
# large as in the hurdle model (0.09 against 0.06 articles). Vuong's test could
# not choose between them: which story the paper tells matters here.
effects = {
    name: models[name].average_marginal_effects(X)
    for name in ("zero-inflated NB", "hurdle NB")
}
for name, table in effects.items():
    print(f"\n{name}: effect on E[articles]")
    print(table.round(3))

# %%
# Read as a paper would report it: "holding the other characteristics at their
# observed values, each additional article of the mentor is associated with
# ``dydx`` more articles of the student (95% CI ``ci_low`` to ``ci_high``)";
# for the zero-inflated model:
ment = effects["zero-inflated NB"].loc["ment"]
print(
    f"one more mentor article: {ment.dydx:+.3f} articles "
    f"(95% CI {ment.ci_low:.3f} to {ment.ci_high:.3f})"
)
kid5 = effects["zero-inflated NB"].loc["kid5"]
print(
    f"one more child under 6:  {kid5.dydx:+.3f} articles "
    f"(95% CI {kid5.ci_low:.3f} to {kid5.ci_high:.3f})"
)

# %%
# The effects with their intervals, side by side. ``ment`` counts articles and
# the others are units of their own (0/1 indicators, children, a prestige
# score), so each row reads on its own.
fig, ax = plt.subplots(figsize=(7, 3.6))
features = list(effects["zero-inflated NB"].index)
positions = np.arange(len(features))
for shift, (name, table), marker in zip((-0.12, 0.12), effects.items(), ("o", "s")):
    table = table.loc[features]
    ax.errorbar(
        table["dydx"],
        positions + shift,
        xerr=[table["dydx"] - table["ci_low"], table["ci_high"] - table["dydx"]],
        fmt=marker,
        capsize=3,
        label=name,
    )
ax.axvline(0, color="grey", linewidth=0.8)
ax.set_yticks(positions, features)
ax.invert_yaxis()
ax.set_xlabel("average marginal effect on E[articles] (95% CI, robust SE)")
ax.legend(loc="lower right")
fig.tight_layout()

# %%
# Rootograms
# ----------
# Hanging rootograms compare observed and expected frequencies count by count:
# each bar (square root of the observed frequency) hangs from the curve (square
# root of the expected one), so a bar ending below zero marks a count the model
# expects too rarely, above zero too often. The zero-inflated Poisson expects
# too few ones and too few large counts, too many twos and threes; both negative
# binomial models keep every bar close to zero, zeros and long tail included.
max_count = 12
short = {"zero-inflated Poisson": "ZIP", "zero-inflated NB": "ZINB", "hurdle NB": "HNB"}
fig, axes = plt.subplots(1, 3, figsize=(12, 3.6), sharey=True)
for ax, (name, label) in zip(axes, short.items()):
    RootogramDisplay.from_estimator(
        models[name], X, y, max_count=max_count, name=label, ax=ax
    )
    ax.legend(loc="upper right", fontsize="small")  # clear of the tall bars
    ax.set_title(name)
fig.tight_layout()
plt.show()
