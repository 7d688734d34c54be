"""The exports service (I2): export jobs, their files, the job workers and the export formats."""
