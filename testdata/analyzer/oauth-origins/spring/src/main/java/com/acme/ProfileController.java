package com.acme;

import org.springframework.web.bind.annotation.CrossOrigin;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@CrossOrigin(origins = {"https://profile.example.com", "https://profile.example.org"})
public class ProfileController {
    @CrossOrigin("https://single.example.com")
    @GetMapping("/me")
    public String me() {
        return "me";
    }
}
