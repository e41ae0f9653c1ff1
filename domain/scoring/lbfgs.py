"""L-BFGS with a backtracking line search, for the smooth convex fit of the predictive score.
A few dozen lines of numpy instead of a scipy dependency (Nocedal & Wright, algorithm 7.4)."""

from collections import deque
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float64]
Objective = Callable[[Vector], tuple[float, Vector]]  # x -> (value, gradient)

ARMIJO = 1e-4
MAX_HALVINGS = 40


def minimize(
    objective: Objective, x0: Vector, *, tolerance: float, max_iter: int = 300, memory: int = 10
) -> Vector:
    """The x where the gradient's largest component is within `tolerance` (or the best
    after `max_iter` steps)."""
    x = x0.copy()
    value, grad = objective(x)
    pairs: deque[tuple[Vector, Vector, float]] = deque(maxlen=memory)
    for _ in range(max_iter):
        if float(np.max(np.abs(grad), initial=0.0)) <= tolerance:
            break
        direction = -_two_loop(grad, pairs)
        if float(grad @ direction) >= 0:  # curvature pairs went stale: restart downhill
            pairs.clear()
            direction = -_two_loop(grad, pairs)
        step = _line_search(objective, x, value, grad, direction)
        if step is None:
            break
        x_new, value, grad_new = step
        s, y = x_new - x, grad_new - grad
        if float(s @ y) > 1e-12:
            pairs.append((s, y, 1.0 / float(s @ y)))
        x, grad = x_new, grad_new
    return x


def _two_loop(grad: Vector, pairs: deque[tuple[Vector, Vector, float]]) -> Vector:
    """The inverse-Hessian estimate times the gradient, from the remembered steps."""
    q = grad.copy()
    alphas = []
    for s, y, rho in reversed(pairs):
        alpha = rho * float(s @ q)
        alphas.append(alpha)
        q -= alpha * y
    if pairs:
        s, y, _ = pairs[-1]
        q *= float(s @ y) / float(y @ y)
    else:  # the first step: unit length, the line search scales it
        q /= max(1.0, float(np.linalg.norm(grad)))
    for (s, y, rho), alpha in zip(pairs, reversed(alphas), strict=True):
        q += s * (alpha - rho * float(y @ q))
    return q


def _line_search(
    objective: Objective, x: Vector, value: float, grad: Vector, direction: Vector
) -> tuple[Vector, float, Vector] | None:
    slope = float(grad @ direction)
    step = 1.0
    for _ in range(MAX_HALVINGS):
        candidate = x + step * direction
        new_value, new_grad = objective(candidate)
        if new_value <= value + ARMIJO * step * slope:
            return candidate, new_value, new_grad
        step /= 2
    return None
