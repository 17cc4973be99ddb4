// The words the page scripts show, in the reader's language: the server renders them into
// <script id="page-texts" type="application/json"> (app/templates/appbuilder/init.html).
var PAGE_TEXTS = JSON.parse(document.getElementById('page-texts').textContent);
