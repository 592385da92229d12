from colourama import Fore, Style


def ok(message: str) -> None:
    print(f"{Fore.GREEN}✓{Style.RESET_ALL} {message}")


def fail(message: str) -> None:
    print(f"{Fore.RED}✗{Style.RESET_ALL} {message}")
