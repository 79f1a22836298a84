/* Accessibility patches for the course's notebook view (loaded next to notebook.js).
 *
 * What it does, each for a measured reason (docs/accessibility.md):
 *  - keys pressed inside a lab's widgets stay there: JupyterLab's command-mode shortcuts took
 *    the arrow keys from a focused slider (WCAG 2.1.1). Each control of a widget output is
 *    marked with data-lm-suppress-shortcuts (Lumino then matches no key binding for it) and
 *    keydown stops bubbling at the widget area, so the notebook never sees it;
 *  - every slider handle and readout gets an accessible name from its description;
 *  - lab status lines and exercise feedback are polite live regions;
 *  - output images get alt text from their figure's title (the matplotlib title in the cell's
 *    source), a lab figure (bqplot SVG) is a named figure;
 *  - JupyterLab's own nameless controls get names (logo link, heading collapse buttons,
 *    toolbar buttons without text), the skip link leaves the tab order's front (tabindex 0),
 *    the course bar becomes a navigation landmark.
 * Everything is idempotent and re-applied (debounced) when the page changes.
 */
(function () {
  'use strict';

  var WIDGETS = '.jupyter-widgets, .widget-slider, .mfml-lab';

  function text(node) {
    return node ? (node.textContent || '').replace(/\s+/g, ' ').trim() : '';
  }

  function setIfMissing(node, name, value) {
    if (node && value && !node.getAttribute(name)) node.setAttribute(name, value);
  }

  // ------------------------------------------------------------ keys stay in lab widgets

  var NAV_KEYS = {
    ArrowLeft: 1, ArrowRight: 1, ArrowUp: 1, ArrowDown: 1, PageUp: 1, PageDown: 1, Home: 1,
    End: 1
  };

  // Lumino stops matching a key binding at the first element (from the target up) that has
  // data-lm-suppress-shortcuts, but a notebook binding whose selector ends in ":focus"
  // matches the focused control itself, before any ancestor is looked at: so the attribute
  // goes on every focusable control of a widget, not only on the widget area
  var CONTROLS = '.noUi-handle, .widget-readout, input, select, textarea, button, [tabindex]';

  function keepKeys(root) {
    root.querySelectorAll(CONTROLS).forEach(function (control) {
      if (!control.hasAttribute('data-lm-suppress-shortcuts')) {
        control.setAttribute('data-lm-suppress-shortcuts', 'true');
      }
    });
    if (root.__mfmlKeys) return;
    root.__mfmlKeys = true;
    root.setAttribute('data-lm-suppress-shortcuts', 'true');
    root.addEventListener('keydown', function (event) {
      var target = event.target;
      if (!target || !target.closest) return;
      // inside a widget: the widget has handled the key (bubbling reached here), the
      // notebook must not act on it as well (move the cell selection, enter edit mode...)
      if (NAV_KEYS[event.key] || target.closest('.widget-slider, .widget-readout, input, select')) {
        if (event.key !== 'Tab' && event.key !== 'Escape') event.stopPropagation();
      }
    });
  }

  // ------------------------------------------------------------ names

  function nameSliders(scope) {
    scope.querySelectorAll('.widget-slider, .widget-hslider, .widget-vslider').forEach(
      function (slider) {
        var label = text(slider.querySelector('.widget-label'));
        var tip = slider.getAttribute('title') || '';
        var name = label || tip || 'slider';
        slider.querySelectorAll('.noUi-handle, [role="slider"]').forEach(function (handle) {
          if (handle.getAttribute('aria-label') !== name) handle.setAttribute('aria-label', name);
          if (!handle.getAttribute('aria-valuetext')) {
            var readout = slider.querySelector('.widget-readout');
            if (readout && text(readout)) handle.setAttribute('aria-valuetext', text(readout));
          }
        });
        var readout = slider.querySelector('.widget-readout');
        if (readout) {
          setIfMissing(readout, 'role', 'textbox');
          var readName = name + ': value (type a number, then Enter)';
          if (readout.getAttribute('aria-label') !== readName) {
            readout.setAttribute('aria-label', readName);
          }
          setIfMissing(readout, 'title', 'Click to type a value, then press Enter');
        }
      }
    );
    // keep aria-valuetext in step with the visible readout
    scope.querySelectorAll('.widget-slider .noUi-handle').forEach(function (handle) {
      var slider = handle.closest('.widget-slider, .widget-hslider');
      var readout = slider && slider.querySelector('.widget-readout');
      if (readout && text(readout) && handle.getAttribute('aria-valuetext') !== text(readout)) {
        handle.setAttribute('aria-valuetext', text(readout));
      }
    });
    // other inputs of a widget with a description (dropdowns, text fields)
    scope.querySelectorAll('.widget-dropdown, .widget-text, .widget-inline-hbox').forEach(
      function (box) {
        var label = text(box.querySelector(':scope > .widget-label'));
        var field = box.querySelector(':scope > select, :scope > input, :scope select');
        if (label && field && !field.getAttribute('aria-label') && !field.labels?.length) {
          field.setAttribute('aria-label', label);
        }
      }
    );
  }

  function liveRegions(scope) {
    // the persistent element of an ipywidgets HTML widget is its .widget-html-content; the
    // lab writes new HTML into it on every change, which a polite live region announces
    scope.querySelectorAll('.mfml-lab-status .widget-html-content, .mfml-lab-status')
      .forEach(function (node) {
        if (node.classList.contains('widget-html') &&
            node.querySelector('.widget-html-content')) return;
        setIfMissing(node, 'role', 'status');
        setIfMissing(node, 'aria-live', 'polite');
      });
    scope.querySelectorAll(
      '.mfml-feedback, .mfml-ex-feedback, .mfml-exercise-feedback, .mfml-ex-status'
    ).forEach(function (node) {
      var host = node.classList.contains('widget-html') ?
        (node.querySelector('.widget-html-content') || node) : node;
      setIfMissing(host, 'role', 'status');
      setIfMissing(host, 'aria-live', 'polite');
    });
  }

  // matplotlib: the title (or the axis labels) are in the cell's source
  function cellSource(cell) {
    // the notebook model holds the source even when the input is collapsed (hide-input) or
    // scrolled out of the DOM; the editor's lines are the fallback
    try {
      var panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
      var widgets = panel && panel.content && panel.content.widgets;
      for (var i = 0; widgets && i < widgets.length; i++) {
        if (widgets[i].node === cell) return widgets[i].model.sharedModel.getSource();
      }
    } catch (e) { /* fall back to the DOM */ }
    var editor = cell.querySelector('.cm-content');
    return editor ?
      Array.prototype.map.call(editor.querySelectorAll('.cm-line'), text).join('\n') : '';
  }

  function quoted(name, source) {
    // the string arguments of calls to `name` (plt.title("..."), ax.set_xlabel(r"$d_k$"), ...)
    var re = new RegExp('\\b' + name + '\\(\\s*(?:r|f|rf|fr)?(["\'])((?:(?!\\1).)+)\\1', 'g');
    var found = [];
    var match;
    while ((match = re.exec(source)) !== null) {
      var t = match[2]
        .replace(/\\(?:mathrm|mathbf|mathit|mathcal|text|operatorname|left|right|displaystyle)/g, '')
        .replace(/\\([a-zA-Z]+)/g, ' $1 ')  // \sigma reads "sigma"
        .replace(/[$\\{}^_]/g, '').replace(/\s+/g, ' ').trim();
      if (t) found.push(t);
    }
    return found;
  }

  function unique(list) {
    return list.filter(function (x, i) { return list.indexOf(x) === i; });
  }

  // a figure's alt text from its cell's source: its titles, else "y against x" per axes
  function describeFigure(cell) {
    var source = cellSource(cell);
    var titles = unique(quoted('(?:title|set_title|suptitle)', source));
    if (titles.length) return 'Figure: ' + titles.join('; ');
    var xs = quoted('(?:xlabel|set_xlabel)', source);
    var ys = quoted('(?:ylabel|set_ylabel)', source);
    var pairs = unique(ys.map(function (y, i) { return y + ' against ' + (xs[i] || xs[0] || 'x'); }));
    if (pairs.length) return 'Figure: ' + pairs.join('; ');
    return '';
  }

  function altText(scope) {
    scope.querySelectorAll('.jp-OutputArea-output img, .jp-RenderedImage img').forEach(
      function (img) {
        if (img.hasAttribute('alt') && img.getAttribute('alt') !== '') return;
        var cell = img.closest('.jp-Cell');
        var alt = (cell && describeFigure(cell)) || 'Figure drawn by the code cell above';
        img.setAttribute('alt', alt);
      }
    );
    scope.querySelectorAll('.mfml-lab-figure').forEach(nameLabFigure);
  }

  function nameLabFigure(fig) {
    var title = text(fig.querySelector('.mainheading')) || 'Lab figure';
    var name = title + ' (interactive figure; its status is described beside it)';
    if (fig.getAttribute('aria-label') !== name) {
      fig.setAttribute('role', 'figure');
      fig.setAttribute('aria-label', name);
    }
  }

  // A lab figure's shape on a phone: the Python side gives each bqplot figure a width and a
  // height (its Layout, inline on the element); a11y.css makes the figure as wide as the
  // output at <= 600 px and takes its height from --mfml-aspect, so a figure shrinks as a
  // whole instead of keeping its height (lab 7's strip was squashed, the square plots left a
  // gap under them).
  function figureShapes(scope) {
    scope.querySelectorAll('.mfml-lab-figures > .bqplot').forEach(function (fig) {
      var w = parseFloat(fig.style.width);
      var h = parseFloat(fig.style.height);
      if (!(w > 0 && h > 0)) return;
      var aspect = w + ' / ' + h;
      if (fig.style.getPropertyValue('--mfml-aspect') !== aspect) {
        fig.style.setProperty('--mfml-aspect', aspect);
      }
    });
  }

  // ------------------------------------------------------------ JupyterLab's own markup

  function patchJupyterLab() {
    var logo = document.querySelector('#jp-NotebookLogo, a.jp-NotebookKernelLogo');
    setIfMissing(logo, 'aria-label', 'JupyterLite: all files');
    document.querySelectorAll('#jp-NotebookLogo a, #jp-NotebookLogo').forEach(function (a) {
      if (a.tagName === 'A' && !text(a)) setIfMissing(a, 'aria-label', 'JupyterLite: all files');
    });
    document.querySelectorAll('.jp-collapseHeadingButton').forEach(function (b) {
      var heading = b.closest('h1, h2, h3, h4, h5, h6');
      var what = heading ? text(heading) : 'section';
      var open = !b.closest('.jp-mod-collapsed') &&
        b.getAttribute('data-heading-collapsed') !== 'true';
      var name = (open ? 'Collapse ' : 'Expand ') + what;
      if (b.getAttribute('aria-label') !== name) b.setAttribute('aria-label', name);
    });
    document.querySelectorAll('a.skip-link, .jp-skiplink a, a[href="#main"]').forEach(
      function (a) {
        if (a.getAttribute('tabindex') && a.getAttribute('tabindex') !== '0') {
          a.setAttribute('tabindex', '0');
        }
      }
    );
    document.querySelectorAll('[tabindex]').forEach(function (node) {
      if (parseInt(node.getAttribute('tabindex'), 10) > 0) node.setAttribute('tabindex', '0');
    });
    // toolbar buttons whose only content is an icon: the title is their name
    document.querySelectorAll('.jp-Toolbar button, jp-button, .jp-ToolbarButtonComponent')
      .forEach(function (b) {
        if (text(b) || b.getAttribute('aria-label')) return;
        var title = b.getAttribute('title') || (b.closest('[title]') || {}).title;
        if (title) b.setAttribute('aria-label', title);
      });
    // the course bar is a landmark of its own (axe "region": its links sat outside any);
    // a region, so that a <nav> inside it keeps its own name
    var bar = document.getElementById('mfml-bar');
    if (bar) {
      setIfMissing(bar, 'role', 'region');
      setIfMissing(bar, 'aria-label', 'Course bar');
    }
    // the notebook's cell list has role="feed", whose children must be articles; JupyterLab's
    // cells are plain divs with a label (axe aria-required-children)
    document.querySelectorAll('[role="feed"]').forEach(function (feed) {
      Array.prototype.forEach.call(feed.children, function (child) {
        if (!child.getAttribute('role')) child.setAttribute('role', 'article');
      });
    });
    // code editors: CodeMirror's editable area (role textbox) is named after its cell
    document.querySelectorAll('.jp-Cell .cm-content').forEach(function (content) {
      var cell = content.closest('.jp-Cell');
      var prompt = text(cell && cell.querySelector('.jp-InputPrompt'));
      var kind = cell && cell.classList.contains('jp-MarkdownCell') ? 'Markdown' : 'Code';
      var name = kind + ' cell' + (prompt && prompt !== '[ ]:' ? ' ' + prompt.replace(/:$/, '') : '');
      if (content.getAttribute('aria-label') !== name) content.setAttribute('aria-label', name);
    });
    // a code cell, an output or a text (a wide formula) too wide for a phone scrolls sideways:
    // the scrolling box must take focus so the keyboard can scroll it
    var WIDE = {'.cm-scroller': 'Code', '.jp-OutputArea-output': 'Output',
                '.jp-RenderedMarkdown': 'Text'};
    Object.keys(WIDE).forEach(function (selector) {
      document.querySelectorAll(selector).forEach(function (box) {
        // a unique name per region (axe landmark-unique): the cell's place in the notebook
        var holder = box.closest('[data-windowed-list-index]');
        var place = holder ? ' of cell ' + (1 + +holder.getAttribute('data-windowed-list-index')) : '';
        var label = WIDE[selector] + place + ' (scrolls sideways)';
        var style = getComputedStyle(box);  // either axis: axe counts both
        var wide = (box.scrollWidth > box.clientWidth + 1 && /auto|scroll/.test(style.overflowX)) ||
          (box.scrollHeight > box.clientHeight + 1 && /auto|scroll/.test(style.overflowY));
        // (axe does not count CodeMirror's contenteditable as focusable content)
        // (nor a hidden one, such as a heading's anchor link, shown only on hover)
        var focusable = Array.prototype.some.call(box.querySelectorAll(
          'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])'),
          function (node) {
            return node.offsetParent !== null && getComputedStyle(node).visibility !== 'hidden';
          });
        if (wide && !focusable) {
          if (box.getAttribute('tabindex') !== '0') {
            box.setAttribute('tabindex', '0');
            box.setAttribute('role', 'region');
            box.setAttribute('aria-label', label);
          }
        } else if (/\(scrolls sideways\)$/.test(box.getAttribute('aria-label') || '')) {
          box.removeAttribute('tabindex');
          box.removeAttribute('role');
          box.removeAttribute('aria-label');
        }
      });
    });
    document.documentElement.classList.add('mfml-a11y');
  }

  // ------------------------------------------------------------ apply, and keep applying

  function apply() {
    patchJupyterLab();
    document.querySelectorAll(WIDGETS).forEach(function (node) {
      var root = node.closest('.jp-OutputArea-output') || node;
      keepKeys(root);
    });
    nameSliders(document);
    liveRegions(document);
    altText(document);
    figureShapes(document);
  }

  var pending = null;
  var stats = {applied: 0, applyMs: 0, skipped: 0};
  function schedule() {
    if (pending) return;
    pending = setTimeout(function () {
      pending = null;
      var t0 = performance.now();
      apply();
      stats.applied += 1;
      stats.applyMs += performance.now() - t0;
    }, 150);
  }

  // A lab update redraws its figures, rewrites its status (lab 1 its formula too), moves a
  // slider's readout and turns the kernel Busy and back to Ready (the course bar's words,
  // JupyterLab's icon): none of that needs the whole-page pass, which took 13-18 ms of the
  // main thread on lab 7's page and ran about three times per slider move while the next
  // update's messages waited (docs/reviews.md, issue 15 labs). The status's live region is
  // its persistent element, a figure needs nothing but the main one's name (renamed on the
  // spot when its title changes), and a moved slider only its aria-valuetext.
  var QUIET = '.mfml-kernel-box, .jp-KernelStatus, .jp-Notebook-ExecutionIndicator';
  function labFigureIsNamed(fig) {
    if (!fig.classList.contains('mfml-lab-figure')) return true;
    var title = text(fig.querySelector('.mainheading'));
    return !!title && (fig.getAttribute('aria-label') || '').indexOf(title + ' (') === 0;
  }

  function syncValueText(readout) {
    var slider = readout.closest('.widget-slider, .widget-hslider');
    var handle = slider && slider.querySelector('.noUi-handle');
    var value = text(readout);
    if (handle && value && handle.getAttribute('aria-valuetext') !== value) {
      handle.setAttribute('aria-valuetext', value);
    }
  }

  // A lab's widgets render one by one: a figure or a slider can arrive inside the lab after
  // the pass that named the main figure (lab 7's strip, lab 8's error plot, a late slider).
  // Such an arrival still needs figureShapes / nameSliders: an added (HTML) element that is
  // or holds a lab figure without its --mfml-aspect or a slider handle without a name.
  var SVG_NS = 'http://www.w3.org/2000/svg';
  var UNPROCESSED = '.mfml-lab-figures > .bqplot:not([style*="--mfml-aspect"]), ' +
    '.widget-slider .noUi-handle:not([aria-label])';
  function addsUnprocessed(record) {
    var added = record.addedNodes;
    for (var j = 0; added && j < added.length; j++) {
      var node = added[j];
      if (node.nodeType !== 1 || node.namespaceURI === SVG_NS) continue;  // marks' redraws
      if (node.matches(UNPROCESSED) || node.querySelector(UNPROCESSED)) return true;
    }
    return false;
  }

  function onMutations(records) {
    var readouts = [];
    for (var i = 0; i < records.length; i++) {
      var node = records[i].target;
      var el = node && (node.nodeType === 1 ? node : node.parentElement);
      if (!el) { schedule(); return; }
      // a node removed before this callback (bqplot redraws a scatter's labels: lab 9's
      // dot_text) is in no document any more and needs nothing
      if (!el.isConnected || el.closest(QUIET)) continue;
      if (el.closest('.mfml-lab')) {
        var fig = el.closest('.bqplot');
        // a title that changes with the lab's state (lab 9's names the loss) renames its
        // figure here, without the whole-page pass
        if (fig && !labFigureIsNamed(fig)) nameLabFigure(fig);
        if (addsUnprocessed(records[i])) { schedule(); return; }
        var readout = el.closest('.widget-readout');
        if (readout) readouts.push(readout);
        continue;  // the lab's figures, status, formula: nothing to name or mark
      }
      schedule();
      return;
    }
    stats.skipped += 1;
    readouts.forEach(syncValueText);
  }

  function start() {
    apply();
    new MutationObserver(onMutations).observe(document.body, {
      subtree: true, childList: true, characterData: true
    });
    window.addEventListener('resize', schedule);  // a turned phone: what scrolls changes
  }

  window.mfmlA11y = {apply: apply, stats: stats};

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
