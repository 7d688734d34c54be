"""The one error of a bank file that cannot be taken (B4): a code, the file's name and where in it."""


class BankFileError(ValueError):
    """``code`` (``billing.bank_file_*``) and ``params``: file, and line or element where known."""

    def __init__(self, code: str, file_name: str, **where: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = {"file": file_name, **where}
