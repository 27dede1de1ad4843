// The filter of the HTML report's findings table, written inline by
// html_writer.c and allowed by the page's Content-Security-Policy hash.
// It shows the filter form, which the page leaves hidden, and hides the
// rows that do not match the chosen criterion, severity and status.
// Without JavaScript the form stays hidden and every row is shown.
(function () {
  'use strict';

  var form = document.getElementById('filters');
  var table = document.getElementById('findings');
  var shownCount = document.getElementById('findings-shown');
  var description = document.getElementById('findings-filter');
  if (!form || !table || !shownCount || !description) {
    return;
  }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);

  // Criteria are compared whole, never split, because a custom rule's
  // control ID may hold spaces.
  function hasCriterion(row, criterion) {
    var marks = row.querySelectorAll('[data-criterion]');
    for (var i = 0; i < marks.length; i++) {
      if (marks[i].getAttribute('data-criterion') === criterion) {
        return true;
      }
    }
    return false;
  }

  function apply() {
    var criterion = form.elements.namedItem('criterion').value;
    var severity = form.elements.namedItem('severity').value;
    var status = form.elements.namedItem('status').value;

    var count = 0;
    rows.forEach(function (row) {
      var visible = (criterion === '' || hasCriterion(row, criterion)) &&
        (severity === '' || row.getAttribute('data-severity') === severity) &&
        (status === '' || row.getAttribute('data-status') === status);
      row.hidden = !visible;
      if (visible) {
        count++;
      }
    });

    // textContent never parses markup, so a control ID is shown as text.
    var parts = [];
    if (criterion !== '') {
      parts.push('criterion ' + criterion);
    }
    if (severity !== '') {
      parts.push('severity ' + severity);
    }
    if (status !== '') {
      parts.push('status ' + status);
    }
    shownCount.textContent = String(count);
    description.textContent = parts.length > 0 ? ', filtered by ' + parts.join(', ') : '';
  }

  form.addEventListener('change', apply);
  form.addEventListener('submit', function (event) {
    event.preventDefault();
  });
  // The reset event comes before the controls are reset.
  form.addEventListener('reset', function () {
    window.setTimeout(apply, 0);
  });
  form.hidden = false;
  apply();
}());
