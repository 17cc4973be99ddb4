/* The dashboard's period picker: typing or picking a date means "Custom period". */
(function ($) {
  'use strict';
  $(function () {
    $('#period-form input.office-date').on('change', function () {
      $('#period').val('custom');
    });
  });
})(jQuery);
