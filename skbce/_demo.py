"""The report printed by ``python -m skbce demo``."""

from scipy.special import logit


def run_demo(out=None):
    """Fit a logistic hurdle ("any article?") on bioChemists and report its BCE."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss
    from sklearn.model_selection import train_test_split

    from .datasets import load_biochemists
    from .losses import binary_cross_entropy

    X, y = load_biochemists(return_X_y=True)
    crossed = (y > 0).astype(int)
    X_train, X_test, y_train, y_test = train_test_split(
        X, crossed, test_size=0.3, random_state=0, stratify=crossed
    )
    model = LogisticRegression(C=1e6, max_iter=1000).fit(X_train, y_train)
    bce = binary_cross_entropy(y_test, model.decision_function(X_test))
    baseline = binary_cross_entropy(y_test, 0 * y_test + logit(y_train.mean()))
    proba_loss = log_loss(y_test, model.predict_proba(X_test))
    print("bioChemists: does a PhD student publish at least one article?")
    print(
        f"  positives in the test split:         {y_test.mean():.1%} of {len(y_test)}"
    )
    print(f"  held-out BCE from logits (skbce):    {bce:.6f}")
    print(f"  held-out log loss (scikit-learn):    {proba_loss:.6f}")
    print(f"  held-out BCE of the constant model:  {baseline:.6f}")
    return 0
