"""The advanced-search page's form (C4), pure: rows of (field, value, NOT) under a top-level AND/OR,
plus one nested group of rows, turned into a search expression, and service errors back onto rows."""

TOP_ROWS = 5
GROUP_ROWS = 4
FIELDS = (
    "text",
    "city",
    "kind",
    "deceased",
    "has_email",
    "age_min",
    "age_max",
    "born_from",
    "born_to",
    "created_from",
    "created_to",
    "updated_from",
    "updated_to",
    "group_id",
    "with_active_status",
    "exclude_active_status",
    "custom_text",
    "tag",
    "gender",
    "has_phone",
    "has_address",
    "address_kind",
)
SORTS = ("name", "birth_date", "city", "created_at", "updated_at")


def _combine(value):
    return "or" if value == "or" else "and"


def rows_of(args, prefix, count):
    """[{key, field, value, not}] of the form's rows ``prefix1..prefixN`` (empty rows included)."""
    rows = []
    for index in range(1, count + 1):
        key = f"{prefix}{index}"
        field = args.get(f"{key}_field", "")
        rows.append(
            {
                "key": key,
                "field": field if field in FIELDS else "",
                "value": (args.get(f"{key}_value") or "").strip(),
                "not": args.get(f"{key}_not") == "on",
            }
        )
    return rows


def form_state(args):
    """Everything the page shows in its form, from the query arguments."""
    sort = args.get("sort", "name")
    return {
        "combine": _combine(args.get("combine")),
        "group_combine": _combine(args.get("g_combine", "or")),
        "group_not": args.get("g_not") == "on",
        "rows": rows_of(args, "r", TOP_ROWS),
        "group_rows": rows_of(args, "g", GROUP_ROWS),
        "sort": sort if sort in SORTS else "name",
        "direction": "desc" if args.get("direction") == "desc" else "asc",
    }


def _leaf(row):
    node = (
        {"text": row["value"]} if row["field"] == "text" else {"filter": row["field"], "value": row["value"]}
    )
    return {"not": node} if row["not"] else node


def _used(rows):
    return [row for row in rows if row["field"] and row["value"]]


def expression_of(state):
    """(expression or None when the form is empty, {json path prefix: row key}) for error placement."""
    children, owners = [], []
    top = state["combine"]
    for row in _used(state["rows"]):
        children.append(_leaf(row))
        owners.append(row["key"])
    group_rows = _used(state["group_rows"])
    if group_rows:
        inner_op = state["group_combine"]
        group = {inner_op: [_leaf(row) for row in group_rows]}
        if state["group_not"]:
            group = {"not": group}
        children.append(group)
        owners.append([row["key"] for row in group_rows])
    if not children:
        return None, {}
    paths = {}
    for index, owner in enumerate(owners):
        base = f"expression.{top}[{index}]"
        if isinstance(owner, list):
            inner_base = f"{base}.not" if state["group_not"] else base
            for inner, key in enumerate(owner):
                paths[f"{inner_base}.{state['group_combine']}[{inner}]"] = key
        else:
            paths[base] = owner
    return {top: children}, paths


def row_errors(details, paths):
    """Service errors {path: [messages]} -> ({row key: [messages]}, [other messages])."""
    by_row, other = {}, []
    for path, messages in (details or {}).items():
        messages = messages if isinstance(messages, list) else [str(messages)]
        owner = next(
            (
                key
                for prefix, key in sorted(paths.items(), key=lambda p: -len(p[0]))
                if path.startswith(prefix)
            ),
            None,
        )
        if owner:
            by_row.setdefault(owner, []).extend(messages)
        else:
            other.extend(messages)
    return by_row, other


# --- saved advanced searches (C4) --------------------------------------------------------------------


def _row_args(prefix, index, node):
    """The form arguments of one leaf (possibly NOT-wrapped), or None if the form cannot show it."""
    negated = "not" in node
    if negated:
        node = node["not"]
    if "text" in node and len(node) == 1:
        field, value = "text", node["text"]
    elif "filter" in node and node.get("filter") in FIELDS:
        field, value = node["filter"], node.get("value")
    else:
        return None
    if not isinstance(value, (str, int, float, bool)) or isinstance(value, bool):
        value = "true" if value is True else "false" if value is False else None
    if value is None:
        return None
    key = f"{prefix}{index}"
    pairs = [(f"{key}_field", field), (f"{key}_value", str(value))]
    return [*pairs, (f"{key}_not", "on")] if negated else pairs


def _combination(node):
    """(op, children) of an and/or node, else None."""
    if isinstance(node, dict) and len(node) == 1:
        op = next(iter(node))
        if op in ("and", "or") and isinstance(node[op], list):
            return op, node[op]
    return None


def args_of(expression):
    """The form's query arguments that build exactly ``expression`` (expression_of(form_state(args))
    gives it back), or None when the form cannot show it (then the page shows it as text)."""
    top = _combination(expression) or ("and", [expression])
    op, children = top
    pairs, rows = [("combine", op)], 0
    for position, child in enumerate(children):
        inner = child["not"] if isinstance(child, dict) and set(child) == {"not"} else None
        group = _combination(inner) or _combination(child)
        if group is not None:
            if position != len(children) - 1 or len(group[1]) > GROUP_ROWS:
                return None  # the form's one group of rows comes last
            pairs.append(("g_combine", group[0]))
            if _combination(inner):
                pairs.append(("g_not", "on"))
            for index, leaf in enumerate(group[1], start=1):
                row = _row_args("g", index, leaf) if isinstance(leaf, dict) else None
                if row is None:
                    return None
                pairs.extend(row)
            continue
        rows += 1
        row = _row_args("r", rows, child) if isinstance(child, dict) and rows <= TOP_ROWS else None
        if row is None:
            return None
        pairs.extend(row)
    return pairs


def expression_text(expression, t, value_words=None):
    """An expression in words for lists: 'Vapaa teksti: virtanen AND (Kotikunta: Turku OR …)'; ``value_words``
    (value_words.ValueWords) shows coded values (kinds, groups …) as words."""

    def words(node, nested):
        combination = _combination(node)
        if combination:
            op, children = combination
            text = f" {t('as.expr.' + op)} ".join(words(child, True) for child in children)
            return f"({text})" if nested and len(children) > 1 else text
        if isinstance(node, dict) and set(node) == {"not"}:
            return f"{t('as.expr.not')} {words(node['not'], True)}"
        if isinstance(node, dict) and "text" in node:
            return f"{t('as.field.text')}: {node['text']}"
        name = str(node.get("filter", "")) if isinstance(node, dict) else ""
        label = t(f"as.field.{name}") if t.has(f"as.field.{name}") else name
        value = node.get("value", "") if isinstance(node, dict) else ""
        if value_words is not None and value_words.handles(name):
            value = value_words.word_of(name, value)
        return f"{label}: {value}"

    return words(expression, False)
