"""PDFs from families: active content (scripts, launched programs, embedded files) removed with pikepdf.

A PDF is read and written again by pikepdf (qpdf), which also repairs what scanners often get wrong
(broken cross-reference tables). What a viewer would run by itself is taken out; what a person reads
(pages, text, images, plain links inside the document) stays.
"""

import io

import pikepdf
from pikepdf import Name

# Actions a reader keeps: moving within the document. Everything else (JavaScript, Launch, SubmitForm,
# ImportData, GoToR/GoToE to other files, URI, renditions, sounds, movies, hide, named) is removed.
HARMLESS_ACTIONS = {Name.GoTo}
# Annotations that carry a file, a program or a media player.
ACTIVE_ANNOTATIONS = {Name.FileAttachment, Name.RichMedia, Name.Screen, Name.Movie, Name.Sound, Name("/3D")}


class UnreadablePdf(Exception):
    pass


def active_content(pdf):
    """What a viewer would run or open by itself in this pikepdf.Pdf, as short English names."""
    found = []
    root = pdf.Root
    if Name.OpenAction in root and not _is_harmless(root.OpenAction):
        found.append("open-action")
    if Name.AA in root:
        found.append("document-actions")
    names = root.get(Name.Names, {})
    if Name.JavaScript in names:
        found.append("javascript")
    if Name.EmbeddedFiles in names:
        found.append("embedded-files")
    if Name.XFA in root.get(Name.AcroForm, {}):
        found.append("xfa-form")
    for page in pdf.pages:
        if Name.AA in page.obj:
            found.append("page-actions")
        for annotation in page.obj.get(Name.Annots, []):
            if annotation.get(Name.Subtype) in ACTIVE_ANNOTATIONS:
                found.append("active-annotation")
            if Name.AA in annotation or (Name.A in annotation and not _is_harmless(annotation.A)):
                found.append("annotation-action")
    for field in root.get(Name.AcroForm, {}).get(Name.Fields, []):
        if Name.AA in field or Name.A in field:
            found.append("form-action")
    return sorted(set(found))


def _is_harmless(action):
    # An OpenAction may also be a bare destination (an array): that only opens a page.
    if isinstance(action, pikepdf.Array):
        return True
    return action.get(Name.S) in HARMLESS_ACTIONS and Name.Next not in action


def neutralise(pdf):
    """Remove every active part from the pikepdf.Pdf, in place."""
    root = pdf.Root
    if Name.OpenAction in root and not _is_harmless(root.OpenAction):
        del root.OpenAction
    if Name.AA in root:
        del root.AA
    if Name.Names in root:
        for key in (Name.JavaScript, Name.EmbeddedFiles):
            if key in root.Names:
                del root.Names[key]
    acroform = root.get(Name.AcroForm)
    if acroform is not None:
        if Name.XFA in acroform:
            del acroform.XFA
        for field in acroform.get(Name.Fields, []):
            for key in (Name.AA, Name.A):
                if key in field:
                    del field[key]
    for page in pdf.pages:
        if Name.AA in page.obj:
            del page.obj.AA
        annotations = page.obj.get(Name.Annots)
        if annotations is None:
            continue
        kept = pikepdf.Array()
        for annotation in annotations:
            if annotation.get(Name.Subtype) in ACTIVE_ANNOTATIONS:
                continue
            if Name.AA in annotation:
                del annotation.AA
            if Name.A in annotation and not _is_harmless(annotation.A):
                del annotation.A
            kept.append(annotation)
        page.obj.Annots = kept


def pdf_cleaned(stream):
    """The PDF read from `stream`, repaired and without active content, as bytes; UnreadablePdf if it is not one."""
    try:
        with pikepdf.open(stream) as pdf:
            if len(pdf.pages) == 0:
                raise UnreadablePdf("no page")
            neutralise(pdf)
            output = io.BytesIO()
            # Unreferenced objects (the removed scripts and files) are not written again.
            pdf.remove_unreferenced_resources()
            pdf.save(output)
    except (pikepdf.PdfError, pikepdf.PasswordError, ValueError, RuntimeError) as error:
        raise UnreadablePdf(str(error)) from error
    return output.getvalue()


def pdf_is_clean(stream):
    """True if the PDF has no active content (a file stored before cleaning existed may have some)."""
    try:
        with pikepdf.open(stream) as pdf:
            return not active_content(pdf)
    except (pikepdf.PdfError, pikepdf.PasswordError, ValueError, RuntimeError):
        return False
