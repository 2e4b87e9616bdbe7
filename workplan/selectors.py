"""Reads of the work programme: the tree of a programme, filtered, in a constant number of queries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from workplan.models import DealTheme, Programme, TransversalTheme, WorkItem, normalise


@dataclass
class TreeNode:
    item: WorkItem
    children: list[TreeNode] = field(default_factory=list)
    lines: list[WorkItem] = field(default_factory=list)
    match_count: int = 0  # matching entries below (and including) this node


@dataclass
class ProgrammeFilters:
    axis: str | None = None
    deal_theme: int | None = None
    transversal_theme: str | None = None
    token: bool = False
    search: str = ""

    @property
    def active(self) -> bool:
        return bool(self.axis or self.deal_theme or self.transversal_theme or self.token or self.search)


@dataclass
class ProgrammeView:
    axes: list[TreeNode]
    total: int
    matching: int
    facets: dict[str, Counter]


def programme_list() -> QuerySet[Programme]:
    return Programme.objects.published().order_by("-year")


def programme_get(*, year: int) -> Programme:
    return Programme.objects.published().get(year=year)


def programme_items(*, programme: Programme) -> list[WorkItem]:
    """Every item of the programme in source order, with its themes: three queries."""
    return list(
        programme.items.order_by("position").prefetch_related(
            Prefetch("deal_themes", queryset=DealTheme.objects.order_by("number")),
            Prefetch("transversal_themes", queryset=TransversalTheme.objects.order_by("slug")),
        )
    )


def programme_tree(*, items: list[WorkItem]) -> list[TreeNode]:
    """The tree of ``items`` (given in position order). Two passes, so that a child placed before its
    parent by a manual reordering still finds it."""
    nodes = {item.pk: TreeNode(item) for item in items if not item.is_line}
    axes: list[TreeNode] = []
    for item in items:
        parent = nodes.get(item.parent_id)
        if item.is_line:
            if parent is not None:
                parent.lines.append(item)
        elif item.parent_id is None:
            axes.append(nodes[item.pk])
        elif parent is not None:
            parent.children.append(nodes[item.pk])
    return axes


def _entries(axes: list[TreeNode]):
    """Each entry of the programme (an activity line, or a node with nothing under it) with its ancestors."""

    def walk(node: TreeNode, ancestors: list[WorkItem]):
        chain = [*ancestors, node.item]
        if not node.children and not node.lines:
            yield node.item, ancestors
        for line in node.lines:
            yield line, chain
        for child in node.children:
            yield from walk(child, chain)

    for axis in axes:
        yield from walk(axis, [])


def _facts(item: WorkItem, ancestors: list[WorkItem]) -> dict:
    chain = [*ancestors, item]
    return {
        "axis": (ancestors[0] if ancestors else item).code,
        "deal": {t.number for i in chain for t in i.deal_themes.all()},
        "transversal": {t.slug for i in chain for t in i.transversal_themes.all()},
        "token": any(i.is_token for i in chain),
        "text": normalise(" ".join(f"{i.text_fr} {i.text_en or ''}" for i in chain)),
    }


def _matches(facts: dict, filters: ProgrammeFilters, *, ignore: str | None = None) -> bool:
    return (
        (ignore == "axis" or not filters.axis or facts["axis"] == filters.axis)
        and (ignore == "deal" or not filters.deal_theme or filters.deal_theme in facts["deal"])
        and (
            ignore == "transversal"
            or not filters.transversal_theme
            or filters.transversal_theme in facts["transversal"]
        )
        and (ignore == "token" or not filters.token or facts["token"])
        and (not filters.search or normalise(filters.search) in facts["text"])
    )


def programme_view(*, programme: Programme, filters: ProgrammeFilters) -> ProgrammeView:
    """The programme tree pruned to the entries matching ``filters``, with facet counts.

    An entry inherits the themes and token flag of the nodes above it, and a search matches the
    entry's text or its nodes' titles. Facet counts give, for each value, the matching entries if
    that filter took that value and the others stayed.
    """
    axes = programme_tree(items=programme_items(programme=programme))
    facets = {"axis": Counter(), "deal": Counter(), "transversal": Counter(), "token": Counter()}
    matched: set[int] = set()
    total = 0
    for item, ancestors in _entries(axes):
        total += 1
        facts = _facts(item, ancestors)
        if _matches(facts, filters):
            matched.add(item.pk)
        if _matches(facts, filters, ignore="axis"):
            facets["axis"][facts["axis"]] += 1
        if _matches(facts, filters, ignore="deal"):
            facets["deal"].update(facts["deal"])
        if _matches(facts, filters, ignore="transversal"):
            facets["transversal"].update(facts["transversal"])
        if _matches(facts, filters, ignore="token") and facts["token"]:
            facets["token"]["token"] += 1

    def prune(node: TreeNode) -> TreeNode | None:
        lines = [line for line in node.lines if line.pk in matched]
        children = [pruned for child in node.children if (pruned := prune(child))]
        own = node.item.pk in matched
        count = len(lines) + sum(c.match_count for c in children) + own
        if not count:
            return None
        return TreeNode(node.item, children, lines, count)

    kept = [pruned for axis in axes if (pruned := prune(axis))]
    return ProgrammeView(axes=kept, total=total, matching=len(matched), facets=facets)


def node_get(*, programme: Programme, code: str) -> tuple[TreeNode, list[WorkItem]]:
    """The subtree of the node ``code`` and its ancestors (outermost first)."""
    items = programme_items(programme=programme)
    axes = programme_tree(items=items)
    by_pk = {item.pk: item for item in items}

    def find(nodes: list[TreeNode]) -> TreeNode | None:
        for node in nodes:
            if node.item.code == code:
                return node
            if found := find(node.children):
                return found
        return None

    node = find(axes)
    if node is None:
        raise WorkItem.DoesNotExist(code)
    ancestors, parent_id = [], node.item.parent_id
    while parent_id:
        ancestors.insert(0, by_pk[parent_id])
        parent_id = by_pk[parent_id].parent_id
    return node, ancestors


def theme_items(*, deal_theme: DealTheme | None = None, transversal_theme: TransversalTheme | None = None):
    """The published items that refer to a theme, with their programme and node, in programme order."""
    relation = Q(deal_themes=deal_theme) if deal_theme else Q(transversal_themes=transversal_theme)
    return (
        WorkItem.objects.published()
        .filter(relation)
        .select_related("programme")
        .prefetch_related("deal_themes", "transversal_themes")
        .order_by("-programme__year", "position")
    )


def deal_theme_list() -> QuerySet[DealTheme]:
    published = Q(items__programme__status=Programme.Status.PUBLISHED)
    return DealTheme.objects.annotate(item_count=Count("items", filter=published)).order_by("number")


def transversal_theme_list() -> QuerySet[TransversalTheme]:
    published = Q(items__programme__status=Programme.Status.PUBLISHED)
    return TransversalTheme.objects.annotate(item_count=Count("items", filter=published)).order_by("name")
