"""From desired and observed state to a plan: the diff (pure), the change classes, the plan with its safety
checks (what is refused where), and the saved plan an apply can be held to.
"""
