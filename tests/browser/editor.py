"""Writing in the admin's rich-text editor (django-prose-editor) the way staff do: typing, the toolbar's buttons,
the link dialog. Shared by the browser tests (the editor test, the editorial journey)."""

from collections.abc import Sequence


def type_in_prose_editor(
    page,
    textarea_id: str,
    *,
    paragraphs: Sequence[str] = (),
    bold: str = "",
    bullets: Sequence[str] = (),
    link: tuple[str, str] | None = None,
) -> None:
    """Replace the content of the editor of the admin textarea ``textarea_id`` (e.g. ``"id_summary_fr"``) by,
    in this order: each of ``paragraphs`` (a paragraph each); a paragraph whose text ``bold`` is set in bold with
    the toolbar's bold button; a bullet list of ``bullets`` (the toolbar's list button); a paragraph holding the
    link ``link = (text, url)``, made with the toolbar's link button and its dialog. Empty parts are skipped.
    The field's language tab is opened first if it is hidden (modeltranslation's tabs). The textarea the form
    posts is updated by the editor as it goes."""
    tab = page.locator(f'a[href="#tab_{textarea_id}"]')
    if tab.count() and not page.locator(f"#tab_{textarea_id}").is_visible():
        tab.click()
    editor = page.locator(f".prose-editor:has(> #{textarea_id})")
    content = editor.locator('[contenteditable="true"]')
    content.wait_for(timeout=20_000)  # the editor's modules have run
    content.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")

    started = False

    def new_block() -> None:
        nonlocal started
        if started:
            page.keyboard.press("Enter")
        started = True

    for text in paragraphs:
        new_block()
        page.keyboard.type(text)
    if bold:
        new_block()
        editor.locator('button[data-name="bold"]').click()
        page.keyboard.type(bold)
        editor.locator('button[data-name="bold"]').click()
    if bullets:
        new_block()
        editor.locator('button[data-name="bulletList"]').click()
        for number, item in enumerate(bullets):
            if number:
                page.keyboard.press("Enter")
            page.keyboard.type(item)
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")  # an empty item ends the list: back to a paragraph
        started = False  # already on a new, empty paragraph
    if link:
        text, url = link
        new_block()
        page.keyboard.type(text)
        for _ in text:
            page.keyboard.press("Shift+ArrowLeft")
        editor.locator('button[data-name="link"]').click()
        dialog = page.locator("dialog.prose-editor-dialog[open]")
        dialog.locator('input[name="href"]').fill(url)
        dialog.locator('button[type="submit"]').click()
        dialog.wait_for(state="hidden")
        page.keyboard.press("End")
