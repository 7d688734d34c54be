"""An automation's trigger and action in plain English words (the API's trigger_text / action_text)."""


def _group(config, names):
    group_id = config.get("group_id")
    return f"'{names.get(str(group_id), group_id)}'"


def trigger_text(automation, names):
    config, kind = automation["trigger_config"], automation["trigger_type"]
    if kind in ("member_joined", "member_left"):
        verb = "joins" if kind == "member_joined" else "leaves"
        sub = " or a subgroup" if config.get("include_subgroups") else ""
        return f"Someone {verb} {_group(config, names)}{sub}"
    if kind == "membership_paid_changed":
        state = "becomes paid up" if config.get("paid_up", True) else "is no longer paid up"
        return f"A member {state} for {config.get('period')}"
    if kind == "membership_unpaid_on":
        sub = " or a subgroup" if config.get("include_subgroups") else ""
        return (
            f"On {config.get('on_date')}: a member of {_group(config, names)}{sub}"
            f" has not paid for {config.get('period')}"
        )
    if kind == "date_reached":
        field = config.get("field", "")
        what = {
            "membership_ends": f"membership of {_group(config, names)} ends",
            "birth_date": "birthday",
        }.get(field, field.replace("custom.", ""))
        offset = config.get("offset_days") or 0
        when = "on the day" if not offset else f"{abs(offset)} days {'before' if offset < 0 else 'after'}"
        return f"{when}: {what}"
    return kind


def action_text(automation, names):
    config, kind = automation["action_config"], automation["action_type"]
    return {
        "add_to_group": lambda: f"add to {_group(config, names)}",
        "remove_from_group": lambda: f"remove from {_group(config, names)}",
        "set_status": lambda: (
            f"set status {config.get('kind')}" + (f" for {config['days']} days" if config.get("days") else "")
        ),
        "end_status": lambda: f"end status {config.get('kind')}",
        "publish_event": lambda: f"publish event {config.get('event_type')}",
    }.get(kind, lambda: kind)()


def describe(automation, names):
    return {"trigger_text": trigger_text(automation, names), "action_text": action_text(automation, names)}
