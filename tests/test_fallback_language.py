"""Text shown in the source language on another language's pages carries the source's lang and dir."""
from booklet.content import load_booklet
from booklet.i18n import catalog_path, load_catalog
from booklet.render import render_view
from booklet.translation import Translator


def _view(root, lang):
    """Render one language's view of a booklet with its catalog."""
    booklet = load_booklet(root)
    return render_view(booklet, Translator(lang, load_catalog(root, lang), root))


def test_an_untranslated_title_is_marked_english_on_the_arabic_pages(project):
    root = project("multilingual")
    path = catalog_path(root, "ar")
    text = path.read_text(encoding="utf-8")
    start = text.index('msgid "The toll"')
    end = text.index("\n\n", start)
    path.write_text(text[:start] + 'msgid "The toll"\nmsgstr ""' + text[end:], encoding="utf-8")
    toll = next(s for s in _view(root, "ar").sections if s.id == "toll")
    assert str(toll.title) == '<span lang="en" dir="ltr">The toll</span>'
    ru_toll = next(s for s in _view(root, "ru").sections if s.id == "toll")
    assert str(ru_toll.title) == "Жертвы"                     # a translation used carries the page's language


def test_the_source_language_pages_have_no_marks(project):
    root = project("multilingual")
    toll = next(s for s in render_view(load_booklet(root), Translator("en", None, root)).sections if s.id == "toll")
    assert str(toll.title) == "The toll"
