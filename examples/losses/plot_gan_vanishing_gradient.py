"""
=================================================================
A one-dimensional GAN: the vanishing gradient of the minimax loss
=================================================================

A generative adversarial network (GAN) trains a generator against a
discriminator. Here both are tiny and the whole game runs in numpy and
scikit-learn in a few seconds:

- the data are draws of a normal distribution with mean 4 and standard
  deviation 1;
- the generator is a location-scale map ``x = mu + sigma * noise`` of standard
  normal noise, with parameters ``mu`` and ``log(sigma)``;
- the discriminator is a logistic regression on the polynomial features
  ``(x, x**2)`` (the log density ratio of two normal distributions is a
  quadratic, so it can be optimal), updated by ``partial_fit`` of
  :class:`~sklearn.linear_model.SGDClassifier` with the log loss.

The generator's gradients come from :func:`skbce.losses.generator_loss` (the
derivative of its loss in the discriminator's logits) and the chain rule. We
train three generators against equally confident discriminators and plot the
magnitude of their gradients.
"""

# %%
# The game
# --------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import SGDClassifier

from skbce.losses import discriminator_loss, generator_loss

SCALE = 4.0  # features x / SCALE and (x / SCALE) ** 2 keep SGD well conditioned


def features(x):
    return np.column_stack([x / SCALE, (x / SCALE) ** 2])


def logit_slope(discriminator, x):
    """d logit / d x of the quadratic discriminator."""
    w = discriminator.coef_[0]
    return w[0] / SCALE + 2 * w[1] * x / SCALE**2


LEARNING_RATE = 0.1  # of the generator


def train(saturating, temperature=1.0, label_smoothing=0.0, n_steps=800, seed=0):
    """Alternate discriminator and generator steps; return the history."""
    rng = np.random.default_rng(seed)
    batch = 128
    discriminator = SGDClassifier(
        loss="log_loss", alpha=1e-5, learning_rate="constant", eta0=0.5
    )
    mu, log_sigma = -4.0, np.log(0.5)  # the generator starts far from the data
    history = {"gradient": [], "mu": [], "d_loss": []}
    for step in range(n_steps):
        real = rng.normal(4.0, 1.0, size=batch)
        fake = mu + np.exp(log_sigma) * rng.normal(size=batch)
        # One-sided label smoothing with partial_fit: the BCE of a real sample
        # against the target 1 - eps is (1 - eps) times its BCE as a 1 plus
        # eps times its BCE as a 0, so each real sample enters twice, weighted.
        X = features(np.concatenate([real, real, fake]))
        y = np.repeat([1, 0, 0], batch)
        weight = np.repeat([1 - label_smoothing, label_smoothing, 1.0], batch)
        # The discriminator trains alone for the first 100 steps: it becomes
        # confident before the generator moves.
        discriminator.partial_fit(X, y, classes=[0, 1], sample_weight=weight)
        if step < 100:
            continue
        noise = rng.normal(size=batch)
        sigma = np.exp(log_sigma)
        fake = mu + sigma * noise
        logits = discriminator.decision_function(features(fake))
        _, dloss_dlogit = generator_loss(
            logits,
            saturating=saturating,
            temperature=temperature,
            return_gradient=True,
        )
        dloss_dx = dloss_dlogit * logit_slope(discriminator, fake)
        grad_mu = dloss_dx.sum()  # the loss is a mean over the batch
        grad_log_sigma = (dloss_dx * sigma * noise).sum()
        mu -= LEARNING_RATE * grad_mu
        log_sigma -= LEARNING_RATE * grad_log_sigma
        real_logits = discriminator.decision_function(features(real))
        history["gradient"].append(np.hypot(grad_mu, grad_log_sigma))
        history["mu"].append(mu)
        history["d_loss"].append(
            discriminator_loss(real_logits, logits, temperature=temperature)
        )
    history["sigma"] = np.exp(log_sigma)
    return history


settings = {
    "saturating": dict(saturating=True),
    "non-saturating": dict(saturating=False),
    "saturating, T=8, smoothing 0.2": dict(
        saturating=True, temperature=8.0, label_smoothing=0.2
    ),
}
runs = {name: train(**params) for name, params in settings.items()}
for name, history in runs.items():
    print(
        f"{name:32s} final mu {history['mu'][-1]:5.2f}, sigma "
        f"{history['sigma']:4.2f}, first gradient {history['gradient'][0]:.1e}, "
        f"final discriminator loss {history['d_loss'][-1]:.2f}"
    )

# %%
# Gradient magnitudes and where the generator goes
# ------------------------------------------------
fig, (ax_grad, ax_mu) = plt.subplots(1, 2, figsize=(11, 4.2))
for name, history in runs.items():
    ax_grad.semilogy(history["gradient"], label=name)
    ax_mu.plot(history["mu"], label=name)
ax_grad.set(
    xlabel="generator step",
    ylabel="|gradient| of the generator's loss",
    title="The generator's gradient",
)
ax_mu.axhline(4.0, color="k", linestyle=":", label="data mean")
ax_mu.set(xlabel="generator step", ylabel="mu", title="The generator's location")
ax_grad.legend()
ax_mu.legend()
fig.tight_layout()
plt.show()

# %%
# Against a confident discriminator the fakes get logits around -10,
# ``D(G(z)) = sigmoid(z)`` is tiny, and so is the saturating gradient
# ``-D(G(z))``: the minimax generator does not move in 700 steps. The
# non-saturating loss, whose gradient ``-(1 - D(G(z)))`` tends to -1 there,
# brings the generator to the data in a few dozen steps. Keeping the saturating
# loss but making the discriminator less confident, by a temperature (which
# divides its logits) and one-sided label smoothing (which stops it pushing the
# logits of real samples to infinity), keeps the gradient about a hundred times
# larger, and the generator walks to the data too, if more slowly.
