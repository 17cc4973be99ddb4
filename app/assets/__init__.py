"""The office's IT equipment as an asset register (issue 22): models, row rules, screens, API,
import and export, the Kartu Inventaris Ruangan and QR labels, and the report queries."""
