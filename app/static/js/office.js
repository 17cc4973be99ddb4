// Dates and date-times as the office types them (app/forms.py): day-month-year, picked with
// the date picker in the reader's language, weeks from Monday (SPEC §3). Loaded after ab.js,
// which gives the picker its words (PAGE_TEXTS.datepicker).
$(function () {
    $('input.office-date').datepicker({
        format: 'dd-mm-yyyy',
        language: PAGE_TEXTS.locale,
        weekStart: 1,
        autoclose: true,
        todayHighlight: true,
        forceParse: false
    });
    // A time typed as 0820 or 8.20 or 8:20 becomes 08.20.
    $('input.office-time').on('change', function () {
        var digits = this.value.replace(/[^0-9]/g, '');
        var match = /^(\d{1,2})[.:](\d{2})$/.exec(this.value.trim());
        if (match) {
            this.value = ('0' + match[1]).slice(-2) + '.' + match[2];
        } else if (digits.length === 4 && digits === this.value.trim()) {
            this.value = digits.slice(0, 2) + '.' + digits.slice(2);
        }
    });
});
