"""The advanced-search expression language (C4), pure: check a JSON tree of and/or/not/filter/text
nodes and compile it to one SQLAlchemy condition with the given filter and text builders.

    {"and": [...]} | {"or": [...]} | {"not": {...}} | {"filter": "<name>", "value": "<value>"}
    | {"text": "<free text>"}
"""

from sqlalchemy import and_, not_, or_, true

from piiri.errors import ValidationFailed, coded
from services.contacts.advanced_search.contract import MAX_DEPTH, MAX_LEAVES, MAX_NODES

TEXT_MAX = 200


def check(expression, known_filter):
    """The expression's errors as {json path: [message]} (empty when it is good).

    ``known_filter(name)`` tells whether a filter is registered. Depth counts nodes from the root (1).
    """
    errors = {}
    leaves = []
    nodes = [0]

    def visit(node, path, depth):
        nodes[0] += 1
        if nodes[0] > MAX_NODES or len(leaves) > MAX_LEAVES:  # limits first (issue 12 item 2)
            return
        if depth > MAX_DEPTH:
            errors[path] = [coded("as.err_too_deep", max=MAX_DEPTH)]
            return
        if not isinstance(node, dict) or len(node) == 0:
            errors[path] = ["as.err_node"]
            return
        keys = set(node)
        if keys in ({"and"}, {"or"}):
            (op,) = keys
            children = node[op]
            if not isinstance(children, list) or not children:
                errors[f"{path}.{op}"] = ["as.err_empty_list"]
                return
            if len(children) > MAX_LEAVES:
                nodes[0] = MAX_NODES + 1  # refused before any of them is looked at
                return
            for index, child in enumerate(children):
                visit(child, f"{path}.{op}[{index}]", depth + 1)
        elif keys == {"not"}:
            visit(node["not"], f"{path}.not", depth + 1)
        elif keys <= {"filter", "value"} and "filter" in keys:
            leaves.append(path)
            name, value = node["filter"], node.get("value")
            if not isinstance(name, str) or not known_filter(name):
                errors[f"{path}.filter"] = ["contact.unknown_filter"]
            if value is None or isinstance(value, (dict, list)) or str(value).strip() == "":
                errors[f"{path}.value"] = ["as.err_value"]
        elif keys == {"text"}:
            leaves.append(path)
            text = node["text"]
            if not isinstance(text, str) or not text.strip() or len(text) > TEXT_MAX:
                errors[f"{path}.text"] = [coded("as.err_text", max=TEXT_MAX)]
        else:
            errors[path] = ["as.err_node_keys"]

    visit(expression, "expression", 1)
    if len(leaves) > MAX_LEAVES or nodes[0] > MAX_NODES:
        errors.setdefault("expression", []).append(f"Too many conditions: at most {MAX_LEAVES}.")
    return errors


def compile_expression(expression, build_filter, build_text, known_filter):
    """One condition for a checked-good expression; a ValidationFailed naming every bad node otherwise.

    ``build_filter(name, value)`` may raise ValidationFailed for a value (keyed by the filter's
    name); its messages are moved under the node's path (``expression.and[1].value``).
    """
    errors = check(expression, known_filter)
    if errors:
        raise ValidationFailed("The search expression is not valid.", errors)

    def build(node, path):
        if "and" in node:
            return and_(*(build(child, f"{path}.and[{i}]") for i, child in enumerate(node["and"])))
        if "or" in node:
            return or_(*(build(child, f"{path}.or[{i}]") for i, child in enumerate(node["or"])))
        if "not" in node:
            return not_(build(node["not"], f"{path}.not"))
        if "text" in node:
            return build_text(node["text"])
        try:
            condition = build_filter(node["filter"], str(node["value"]))
        except ValidationFailed as exc:
            messages = [m for value in (exc.details or {}).values() for m in value] or [exc.message]
            value_errors[f"{path}.value"] = messages
            return true()
        return true() if condition is None else condition

    value_errors = {}
    condition = build(expression, "expression")
    if value_errors:
        raise ValidationFailed("The search expression is not valid.", value_errors)
    return condition


def leaves(expression):
    """The leaf nodes of a (checked) expression, in order: for display and tests."""
    if "and" in expression or "or" in expression:
        return [leaf for child in next(iter(expression.values())) for leaf in leaves(child)]
    if "not" in expression:
        return leaves(expression["not"])
    return [expression]
