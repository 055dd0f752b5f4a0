"""sphinx-design components for the formats read without a browser: the ePub and the PDFs.

Reading systems run no scripts and validate XHTML strictly, and paper cannot click. So, for
those two, a tab set becomes its tabs one after another, each under its label
(sphinx-design's ``<input>`` is not XHTML), a dropdown its title and content, always open, and an
icon's ``<svg>`` gets the SVG namespace. Cards, grids, badges and buttons stay as they are.
"""

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx_design.icons import sd_icon
from sphinx_design.shared import is_component

SVG_NAMESPACE = 'xmlns="http://www.w3.org/2000/svg"'


def heading(title_node: nodes.Element, kind: str) -> nodes.rubric:
    return nodes.rubric("", "", *title_node.children, classes=[f"flattened-{kind}-title"])


class FlattenDesign(SphinxPostTransform):
    # Before sphinx-design's own HTML transforms of tabs (200) and dropdowns (199).
    default_priority = 150
    builders = ("epub", "pdf")

    def run(self) -> None:
        for tab_set in list(self.document.findall(lambda node: is_component(node, "tab-set"))):
            flat = nodes.container(classes=["flattened-tabs"])
            for item in tab_set.children:
                if is_component(item, "tab-item") and len(item.children) == 2:
                    label, content = item.children
                    flat += heading(label, "tab")
                    flat += list(content.children)
                else:
                    flat += item
            tab_set.replace_self(flat)
            flat["classes"] = ["flattened-tabs"]  # replace_self copied sphinx-design's classes
        for dropdown in list(self.document.findall(lambda node: is_component(node, "dropdown"))):
            flat = nodes.container(classes=["flattened-dropdown"])
            body = dropdown.children
            if dropdown["has_title"]:
                flat += heading(dropdown[0], "dropdown")
                body = dropdown.children[1:]
            flat += list(body)
            dropdown.replace_self(flat)
            flat["classes"] = ["flattened-dropdown"]
        for icon in self.document.findall(sd_icon):
            if "xmlns=" not in icon["svg"]:
                icon["svg"] = icon["svg"].replace("<svg ", f"<svg {SVG_NAMESPACE} ", 1)


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinx_design")
    app.add_post_transform(FlattenDesign)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
